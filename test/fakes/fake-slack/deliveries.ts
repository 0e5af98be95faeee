/** Delivers commands and actions to the app over HTTP or Socket Mode, with the same result either way. */
import { isRecord } from './block-kit-checks.js';
import { type DeliveryAck, DeliveryHandle } from './delivery-handle.js';
import { FORM_CONTENT_TYPE, postToApp } from './http-delivery.js';
import type { WorkspaceIdentity } from './other-methods.js';
import {
  type ActionOptions,
  buildBlockActionsPayload,
  buildCommandPayload,
  type CommandFields,
  DEFAULT_CHANNEL_ID,
  DEFAULT_USER_ID,
  findClickTarget,
} from './payloads.js';
import { mediaType } from './request-body.js';
import type { ResponseUrls } from './response-urls.js';
import type { SocketModeServer } from './socket-mode.js';
import type { SlackStore } from './store.js';
import type { TriggerIds } from './triggers.js';
import type { HttpDeliveryOptions, HttpTarget, JsonObject } from './types.js';
import {
  buildViewClosedPayload,
  buildViewSubmissionPayload,
  openModalOf,
  submittedState,
  type ViewSubmitOptions,
} from './view-submission.js';
import { buildViewActionsPayload, findViewClickTarget, type ViewActionOptions } from './views.js';

/** Where deliveries go: the Socket Mode connections, or an HTTP endpoint. */
export type Transport =
  | { readonly mode: 'socket' }
  | { readonly mode: 'http'; readonly target: HttpTarget; readonly options?: HttpDeliveryOptions };

export interface DeliveriesDeps {
  readonly store: SlackStore;
  readonly responseUrls: ResponseUrls;
  readonly socket: SocketModeServer;
  readonly nowMs: () => number;
  readonly ackTimeoutMs: number;
  readonly signingSecret: string | undefined;
  readonly triggers: TriggerIds;
  readonly identity: WorkspaceIdentity;
}

export interface Delivery {
  readonly kind: 'command' | 'action' | 'event';
  readonly payload: JsonObject;
  readonly responseUrlId: string;
  readonly responseUrl: string;
  readonly triggerId: string;
}

/** Extra time an HTTP delivery waits past the ack deadline, to measure how late a slow ack is. */
const HTTP_GRACE_MS = 7000;

export class Deliveries {
  constructor(private readonly deps: DeliveriesDeps) {}

  /** A slash command with a fresh response_url and trigger_id. */
  commandDelivery(fields: CommandFields): Delivery {
    const channel = fields.channel_id ?? DEFAULT_CHANNEL_ID;
    const { id, url } = this.deps.responseUrls.mint({
      kind: 'command',
      channel,
      user: fields.user_id ?? DEFAULT_USER_ID,
    });
    const triggerId = this.deps.triggers.mint(fields.user_id ?? DEFAULT_USER_ID);
    const payload = buildCommandPayload(fields, this.deps.identity, url, triggerId);
    return { kind: 'command', payload, responseUrlId: id, responseUrl: url, triggerId };
  }

  /** A block_actions click on an element the app rendered; throws when there is no such element. */
  clickDelivery(opts: ActionOptions): Delivery {
    const { source, element, blockId } = findClickTarget(this.deps.store, opts);
    const userId = opts.userId ?? DEFAULT_USER_ID;
    const { channel, ts } = source.message;
    const ref = { channel, ts, ephemeral: source.ephemeral };
    const { id, url } = this.deps.responseUrls.mint({ kind: 'action', channel, user: userId, source: ref });
    const triggerId = this.deps.triggers.mint(userId);
    const actionTs = this.deps.store.nextTs();
    const payload = buildBlockActionsPayload({
      id: this.deps.identity,
      source,
      element,
      blockId,
      userId,
      actionTs,
      responseUrl: url,
      triggerId,
      optionIndex: opts.optionIndex,
    });
    return { kind: 'action', payload, responseUrlId: id, responseUrl: url, triggerId };
  }

  /** A block_actions click on an element of an open modal: no response_url, the view itself in the payload. */
  viewClickDelivery(opts: ViewActionOptions): Delivery {
    const { view, element, blockId } = findViewClickTarget(this.deps.store, opts);
    const userId = opts.userId ?? DEFAULT_USER_ID;
    if (view.user !== undefined && view.user !== userId) {
      throw new Error(
        `view ${String(view.id)} is open for ${String(view.user)}, not ${userId}: only its opener sees it`,
      );
    }
    const triggerId = this.deps.triggers.mint(userId);
    const payload = buildViewActionsPayload({
      id: this.deps.identity,
      view,
      element,
      blockId,
      userId,
      actionTs: this.deps.store.nextTs(),
      triggerId,
      optionIndex: opts.optionIndex,
    });
    return { kind: 'action', payload, responseUrlId: '', responseUrl: '', triggerId };
  }

  /** A view_submission of an open modal with what the user typed; throws for what the client would refuse. */
  viewSubmissionDelivery(opts: ViewSubmitOptions): Delivery {
    const view = openModalOf(this.deps.store, opts.viewId, opts.userId);
    const state = submittedState(view, opts.values);
    const triggerId = this.deps.triggers.mint(opts.userId);
    const payload = buildViewSubmissionPayload({ id: this.deps.identity, view, state, userId: opts.userId, triggerId });
    return { kind: 'action', payload, responseUrlId: '', responseUrl: '', triggerId };
  }

  /** A view_closed (Cancel) of an open modal that asked for notify_on_close. */
  viewClosedDelivery(viewId: string, userId: string): Delivery {
    const view = openModalOf(this.deps.store, viewId, userId);
    const payload = buildViewClosedPayload(this.deps.identity, view, userId);
    return { kind: 'action', payload, responseUrlId: '', responseUrl: '', triggerId: '' };
  }

  /** An Events API `event_callback` (no response_url, no trigger_id). */
  eventDelivery(payload: JsonObject): Delivery {
    return { kind: 'event', payload, responseUrlId: '', responseUrl: '', triggerId: '' };
  }

  /** A raw interaction payload, given a fresh response_url and trigger_id unless it has its own. */
  rawActionDelivery(payload: JsonObject): Delivery {
    const channel = isRecord(payload.channel) && typeof payload.channel.id === 'string' ? payload.channel.id : '';
    const { id, url } = this.deps.responseUrls.mint({ kind: 'action', channel, user: DEFAULT_USER_ID });
    const user = isRecord(payload.user) && typeof payload.user.id === 'string' ? payload.user.id : DEFAULT_USER_ID;
    const triggerId = this.deps.triggers.mint(user);
    const full = { response_url: url, trigger_id: triggerId, ...payload };
    return { kind: 'action', payload: full, responseUrlId: id, responseUrl: url, triggerId };
  }

  /** Delivers and resolves after the ack (or its absence); command ack bodies become responses. */
  async deliver(delivery: Delivery, transport: Transport): Promise<DeliveryHandle> {
    const ack = transport.mode === 'http' ? await this.overHttp(delivery, transport) : await this.overSocket(delivery);
    if (delivery.kind === 'command' && ack.acked && ack.ackBody !== undefined) {
      const body = isRecord(ack.ackBody) ? ack.ackBody : { text: String(ack.ackBody) };
      this.deps.responseUrls.applyAck(delivery.responseUrlId, body);
    }
    const { payload, responseUrlId, responseUrl, triggerId } = delivery;
    return new DeliveryHandle(this.deps.store, payload, responseUrlId, responseUrl, triggerId, ack);
  }

  private async overHttp(d: Delivery, transport: Extract<Transport, { mode: 'http' }>): Promise<DeliveryAck> {
    const secret = transport.target.signingSecret ?? this.deps.signingSecret;
    if (!secret) throw new Error('HTTP delivery needs a signingSecret (target or FakeSlack option)');
    // Events are JSON bodies; commands and interactions are forms (reference §5).
    const body =
      d.kind === 'event'
        ? JSON.stringify(d.payload)
        : d.kind === 'command'
          ? new URLSearchParams(Object.entries(d.payload).map(([k, v]): [string, string] => [k, String(v)])).toString()
          : new URLSearchParams({ payload: JSON.stringify(d.payload) }).toString();
    const result = await postToApp(transport.target, body, {
      signingSecret: secret,
      nowMs: this.deps.nowMs,
      signature: transport.options?.signature ?? 'valid',
      contentType: transport.options?.contentType ?? (d.kind === 'event' ? 'application/json' : FORM_CONTENT_TYPE),
      giveUpMs: this.deps.ackTimeoutMs + HTTP_GRACE_MS,
    });
    const where = `${d.kind} to ${transport.target.url}`;
    if (result.status === 0) this.deps.store.recordFailure('missing_ack', `no HTTP response for ${where}`);
    else if (result.ackMs > this.deps.ackTimeoutMs) {
      this.deps.store.recordFailure('slow_ack', `${where} answered after ${Math.round(result.ackMs)} ms`);
    }
    const acked = result.status === 200 && result.ackMs <= this.deps.ackTimeoutMs;
    return {
      transport: 'http',
      acked,
      ackMs: result.status === 0 ? Number.POSITIVE_INFINITY : result.ackMs,
      status: result.status,
      ackBody: parseAckBody(result.contentType, result.rawBody),
      envelopeId: undefined,
    };
  }

  private async overSocket(d: Delivery): Promise<DeliveryAck> {
    const type = d.kind === 'command' ? 'slash_commands' : d.kind === 'event' ? 'events_api' : 'interactive';
    const result = await this.deps.socket.deliver(type, d.payload, d.kind === 'command');
    const payload = result.ackPayload;
    return {
      transport: 'socket',
      acked: result.acked,
      ackMs: result.ackMs,
      status: undefined,
      ackBody: payload && Object.keys(payload).length > 0 ? payload : undefined,
      envelopeId: result.envelopeId,
    };
  }
}

function parseAckBody(contentType: string | undefined, raw: string): unknown {
  if (raw === '') return undefined;
  if (mediaType(contentType) !== 'application/json') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
