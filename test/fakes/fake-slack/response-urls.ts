/**
 * response_urls (reference §2, §3): minted per delivery, at most 5 POSTs within 30 minutes,
 * replace/delete only the message they belong to, never a change of visibility.
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from './block-kit-checks.js';
import { type ContentContext, checkMessageContent } from './message-content.js';
import type { JsonObject, ResponseDelivery } from './types.js';

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

interface MessageRef {
  readonly channel: string;
  readonly ts: string;
  readonly ephemeral: boolean;
}

/** What a response_url belongs to: a slash command, or an action on a source message. */
export interface ResponseUrlContext {
  readonly kind: 'command' | 'action';
  readonly channel: string;
  readonly user: string;
  readonly source?: MessageRef;
}

interface ResponseUrlState extends ResponseUrlContext {
  readonly id: string;
  readonly mintedAtMs: number;
  uses: number;
  lastPosted?: MessageRef;
}

export interface ResponseOutcome {
  readonly status: number;
  readonly body: JsonObject;
}

export interface ResponseUrlDeps extends ContentContext {
  readonly botUserId: string;
}

export class ResponseUrls {
  private readonly states = new Map<string, ResponseUrlState>();

  constructor(
    private readonly deps: ResponseUrlDeps,
    private readonly baseUrl: () => string,
  ) {}

  /** Mints a response_url; returns its id and absolute URL. */
  mint(context: ResponseUrlContext): { id: string; url: string } {
    const id = randomBytes(12).toString('hex');
    this.states.set(id, { ...context, id, mintedAtMs: this.deps.store.nowMs(), uses: 0 });
    return { id, url: `${this.baseUrl()}response/${id}` };
  }

  /** A POST to `/response/<id>`: 404 when unknown, used 5 times or older than 30 minutes. */
  post(id: string, body: unknown): ResponseOutcome {
    const state = this.states.get(id);
    const now = this.deps.store.nowMs();
    if (!state) return { status: 404, body: { ok: false, error: 'no_such_url' } };
    if (state.uses >= RESPONSE_URL_MAX_USES || now - state.mintedAtMs > RESPONSE_URL_TTL_MS) {
      this.record(state, 'response_url', isRecord(body) ? body : {}, 404, 'rejected:expired_url');
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    if (!isRecord(body)) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    const outcome = this.apply(state, body, 'response_url');
    if (outcome.status === 200) state.uses++;
    return outcome;
  }

  /** Applies an ack body/payload as the command's response (does not use up the URL). Empty acks do nothing. */
  applyAck(id: string, payload: JsonObject): ResponseOutcome | undefined {
    const state = this.states.get(id);
    if (!state || Object.keys(payload).length === 0) return undefined;
    return this.apply(state, payload, 'ack');
  }

  private apply(state: ResponseUrlState, body: JsonObject, via: ResponseDelivery['via']): ResponseOutcome {
    const reject = (error: string, extra: JsonObject = {}): ResponseOutcome => {
      this.record(state, via, body, 400, `rejected:${error}`);
      return { status: 400, body: { ok: false, error, ...extra } };
    };
    const responseType = body.response_type;
    if (responseType !== undefined && responseType !== 'ephemeral' && responseType !== 'in_channel') {
      return reject('invalid_response_type');
    }
    const original = state.kind === 'action' ? state.source : state.lastPosted;
    if (body.delete_original === true || body.delete_original === 'true') {
      // Slash commands cannot delete: there is no original the app owns (reference §2).
      if (state.kind === 'command' || !original) return reject('cant_delete_message');
      this.deleteMessage(original);
      return this.accept(state, via, body, 'deleted');
    }
    const replace = body.replace_original === true || body.replace_original === 'true';
    if (replace && !original) return reject('cant_update_message');
    if (replace && original && responseType !== undefined && (responseType === 'ephemeral') !== original.ephemeral) {
      return reject('cannot_change_visibility');
    }
    const checked = checkMessageContent(body, { source: `${via}:${state.kind}` }, this.deps);
    if (!checked.ok) return reject(String(checked.body.error), checked.body);
    const { text, blocks } = checked.content;
    if (replace && original) {
      this.replaceMessage(original, text, blocks);
      return this.accept(state, via, body, 'replaced');
    }
    const threadTs = typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {};
    const content = { text, ...(blocks ? { blocks } : {}), ...threadTs, via };
    const store = this.deps.store;
    if (responseType === 'in_channel') {
      const m = store.addMessage({ channel: state.channel, user: this.deps.botUserId, botPosted: true, ...content });
      state.lastPosted = { channel: m.channel, ts: m.ts, ephemeral: false };
      return this.accept(state, via, body, 'in_channel');
    }
    const e = store.addEphemeral({ channel: state.channel, user: state.user, ...content });
    state.lastPosted = { channel: e.channel, ts: e.ts, ephemeral: true };
    return this.accept(state, via, body, 'ephemeral');
  }

  private deleteMessage(ref: MessageRef): void {
    const store = this.deps.store;
    if (ref.ephemeral) {
      const e = store.findEphemeral(ref.channel, ref.ts);
      if (e) e.deleted = true;
      return;
    }
    const m = store.findMessage(ref.channel, ref.ts);
    if (m) store.removeMessage(m);
  }

  private replaceMessage(ref: MessageRef, text: string, blocks: JsonObject[] | undefined): void {
    const store = this.deps.store;
    const target = ref.ephemeral ? store.findEphemeral(ref.channel, ref.ts) : store.findMessage(ref.channel, ref.ts);
    if (!target) return;
    target.text = text;
    if (blocks) target.blocks = blocks;
    else delete target.blocks;
  }

  private accept(
    state: ResponseUrlState,
    via: ResponseDelivery['via'],
    body: JsonObject,
    effect: string,
  ): ResponseOutcome {
    this.record(state, via, body, 200, effect);
    return { status: 200, body: { ok: true } };
  }

  private record(
    state: ResponseUrlState,
    via: ResponseDelivery['via'],
    body: JsonObject,
    httpStatus: number,
    effect: string,
  ): void {
    this.deps.store.recordResponse({
      responseUrlId: state.id,
      via,
      body,
      httpStatus,
      effect,
      atMs: this.deps.store.nowMs(),
    });
  }
}
