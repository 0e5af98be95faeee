import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { CardLocation, PairingStore } from '../pairing/store.js';
import type { RequestRecord } from '../pairing/types.js';
import type { RenderedMessage } from './blocks/block-kit.js';
import { renderDecisionReply } from './blocks/decision-reply.js';
import type { CardContext } from './blocks/pairing-card.js';
import { renderPairingCard } from './blocks/pairing-card.js';
import { DIGEST_CAPACITY, renderPairingDigest } from './blocks/pairing-digest.js';
import { cardMetadata, findPostedCards, isReplyPosted, replyMetadata, requestKey } from './posted-check.js';
import { describeSlackError, isTargetGone, retryDelayMs } from './slack-errors.js';

export interface CardPublisherOptions {
  client: Pick<WebClient, 'chat' | 'conversations'>;
  store: PairingStore;
  channel: string;
  log: Logger;
  context: () => Omit<CardContext, 'nowMs'>;
  /** Whether the token may read the channel back (history scopes): only then is a lost post looked up first. */
  canReadHistory: (channel: string) => boolean;
  /** More new requests than this at once are coalesced into digest messages. */
  coalesceThreshold?: number;
  debounceMs?: number;
  nowMs?: () => number;
  onSlackError?: (method: string, code: string) => void;
}

const BATCH = 1000;
/** A digest posted this recently still takes new requests of the same burst. */
const BURST_WINDOW_MS = 10_000;

/** Brings Slack in line with the store: posts new cards (digests in a burst), updates changed ones, posts thread replies. Failed calls stay queued and are retried, honouring Retry-After. */
export class CardPublisher {
  private readonly nowMs: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;
  private openDigest: { location: CardLocation; postedAtMs: number } | undefined;
  private backoffUntilMs = 0;
  private warnedNoHistory = false;

  constructor(private readonly options: CardPublisherOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Asks for a sync soon; calls within the debounce window collapse into one. */
  schedule(delayMs = this.options.debounceMs ?? 15): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Runs one sync now (or joins the running one); resolves when Slack has everything or a retry is scheduled.
   * While waiting out a failure (Retry-After or backoff) it does nothing: the scheduled retry will run.
   */
  sync(): Promise<void> {
    if (this.nowMs() < this.backoffUntilMs) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.syncOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    });
    return this.running;
  }

  /** True when nothing waits to be posted or updated. */
  isIdle(): boolean {
    return this.options.store.listDirty(1).length === 0 && this.options.store.listReplies(1).length === 0;
  }

  /** Delivers what is queued (one last bounded sync), then stops scheduling. Undelivered work stays in the store. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const flushed = this.running ? this.running.then(() => this.sync()) : this.sync();
    this.stopped = true;
    await Promise.race([flushed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    clearTimeout(this.timer);
  }

  private async syncOnce(): Promise<void> {
    try {
      await this.postNew();
      await this.updateChanged();
      await this.postReplies();
      this.failures = 0;
      this.backoffUntilMs = 0;
    } catch (err) {
      this.failures += 1;
      const delayMs = retryDelayMs(err, this.failures);
      this.backoffUntilMs = this.nowMs() + delayMs;
      this.options.log.warn({ err, retryInMs: delayMs }, `Slack delivery failed: ${describeSlackError(err)}`);
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.backoffUntilMs = 0;
          void this.sync();
        }, delayMs);
        this.timer.unref();
      }
    }
  }

  private async postNew(): Promise<void> {
    const { store } = this.options;
    const dirty = store.listDirty(BATCH).filter((r) => r.ts === undefined);
    const fresh = dirty.filter((r) => r.status === 'pending');
    for (const record of dirty.filter((r) => r.status !== 'pending')) {
      // Resolved before it was ever shown (e.g. superseded in the same burst): nothing to post.
      store.markSynced(record.kind, record.requestId, { channel: '', ts: '' }, record.version);
    }
    const rest = this.fillOpenDigest(fresh);
    const inBurst = this.openDigest !== undefined && this.nowMs() - this.openDigest.postedAtMs < BURST_WINDOW_MS;
    if (rest.length > (this.options.coalesceThreshold ?? 3) || (inBurst && rest.length > 0)) {
      for (let i = 0; i < rest.length; i += DIGEST_CAPACITY) {
        const chunk = rest.slice(i, i + DIGEST_CAPACITY);
        const location = await this.post(chunk, renderPairingDigest(chunk, this.context()));
        if (location) this.openDigest = { location, postedAtMs: this.nowMs() };
      }
      return;
    }
    for (const record of rest) await this.post([record], renderPairingCard(record, this.context()));
  }

  /**
   * During a burst, new requests join the digest posted last while it has room: a chat.update instead of a new
   * post, which Slack limits to about one per second per channel. Returns the requests that did not fit.
   */
  private fillOpenDigest(fresh: RequestRecord[]): RequestRecord[] {
    const open = this.openDigest;
    if (!open || fresh.length === 0 || this.nowMs() - open.postedAtMs >= BURST_WINDOW_MS) return fresh;
    const { store } = this.options;
    const room = DIGEST_CAPACITY - store.listByCard(open.location).length;
    const joining = fresh.slice(0, Math.max(0, room));
    for (const r of joining) {
      store.placeOnCard(r.kind, r.requestId, open.location); // updateChanged re-renders the digest with them
    }
    return fresh.slice(joining.length);
  }

  private async updateChanged(): Promise<void> {
    const { store } = this.options;
    const seen = new Set<string>();
    for (const record of store.listDirty(BATCH)) {
      if (!record.ts || !record.channel) continue;
      const key = `${record.channel}:${record.ts}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const location = { channel: record.channel, ts: record.ts };
      const group = store.listByCard(location);
      const message =
        group.length > 1 ? renderPairingDigest(group, this.context()) : renderPairingCard(record, this.context());
      const updated = await this.unlessGone('chat.update', () =>
        this.options.client.chat.update({ ...location, ...message }),
      );
      // A deleted card cannot be updated any more: stop trying (it is logged) instead of blocking every other card.
      for (const r of group) store.markSynced(r.kind, r.requestId, location, r.version);
      if (!updated)
        this.options.log.error({ location }, 'a pairing card was deleted in Slack; its updates are dropped');
    }
  }

  private async postReplies(): Promise<void> {
    const { store, client } = this.options;
    for (const reply of store.listReplies(BATCH)) {
      const record = store.get(reply.kind, reply.requestId);
      if (!record?.ts || !record.channel) {
        if (!record || record.ts === '') store.deleteReply(reply.id);
        continue;
      }
      const location = { channel: record.channel, ts: record.ts };
      // A reply tried before may have landed although its answer was lost (or the bot crashed): look first.
      const posted =
        reply.attemptedAtMs !== undefined &&
        this.historyReadable(location.channel) &&
        (await this.call('conversations.replies', () =>
          isReplyPosted(client, location.channel, location.ts, reply.id),
        ));
      if (!posted) {
        store.markReplyAttempt(reply.id, this.nowMs());
        const message = renderDecisionReply(record);
        await this.call('chat.postMessage', () =>
          client.chat.postMessage({
            channel: location.channel,
            thread_ts: location.ts,
            ...message,
            metadata: replyMetadata(reply.id),
          }),
        );
      }
      store.deleteReply(reply.id);
    }
  }

  /** Posts one card or digest; returns where it landed (undefined when an earlier post was adopted instead). */
  private async post(records: RequestRecord[], message: RenderedMessage): Promise<CardLocation | undefined> {
    const { channel, store, log, client } = this.options;
    const keys = records.map((r) => requestKey(r.kind, r.requestId));
    const attempts = records.flatMap((r) => (r.postAttemptAtMs === undefined ? [] : [r.postAttemptAtMs]));
    if (attempts.length > 0 && this.historyReadable(channel)) {
      // An earlier post may have landed with its answer lost: adopt that message instead of posting twice.
      const found = await this.call('conversations.history', () =>
        findPostedCards(client, channel, keys, Math.min(...attempts)),
      );
      const adopted = records.filter((r) => found.has(requestKey(r.kind, r.requestId)));
      for (const r of adopted) {
        store.placeOnCard(r.kind, r.requestId, { channel, ts: found.get(requestKey(r.kind, r.requestId)) ?? '' });
      }
      if (adopted.length > 0) {
        // The rest are posted (re-rendered without the adopted ones) on the next pass.
        if (adopted.length < records.length) this.again = true;
        return undefined;
      }
    }
    const now = this.nowMs();
    for (const r of records) store.markPostAttempt(r.kind, r.requestId, now);
    const result = await this.call('chat.postMessage', () =>
      client.chat.postMessage({
        channel,
        ...message,
        metadata: cardMetadata(keys),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    const location = { channel: result.channel ?? channel, ts: result.ts ?? '' };
    for (const r of records) store.markSynced(r.kind, r.requestId, location, r.version);
    log.info(
      { ts: location.ts, requests: records.map((r) => r.requestId) },
      records.length > 1 ? 'posted a pairing digest' : 'posted a pairing card',
    );
    return location;
  }

  /** Whether a lost post can be looked up; without the history scopes it is posted again (warned once). */
  private historyReadable(channel: string): boolean {
    if (this.options.canReadHistory(channel)) return true;
    if (!this.warnedNoHistory) {
      this.warnedNoHistory = true;
      this.options.log.warn(
        { channel },
        'a Slack post may have landed although its answer was lost; without channels:history/groups:history the bot cannot check, so it posts again (a duplicate card or reply is possible)',
      );
    }
    return false;
  }

  /** Like `call`, but a target that no longer exists (deleted card or thread) yields undefined instead of an error. */
  private async unlessGone<T>(method: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(method, fn);
    } catch (err) {
      if (isTargetGone(err)) return undefined;
      throw err;
    }
  }

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.options.onSlackError?.(method, describeSlackError(err));
      throw err;
    }
  }

  private context(): CardContext {
    return { ...this.options.context(), nowMs: this.nowMs() };
  }
}
