import type { Logger } from 'pino';
import type { RequestRecord } from '../../pairing/types.js';
import { type CardLocation, keyOf, type RequestKey, type RequestStore, type Storage } from '../../storage/ports.js';
import type { RenderedMessage } from '../blocks/block-kit.js';
import { renderCard } from '../blocks/card.js';
import type { CardContext } from '../blocks/pairing-card.js';
import { DIGEST_CAPACITY, renderPairingDigest } from '../blocks/pairing-digest.js';
import type { DeliverySource } from './delivery-loop.js';
import { assertOwned, type DeliveryScope } from './delivery-scope.js';
import { cardMetadata, findPostedCards, requestKey } from './posted-check.js';
import type { SlackCalls } from './slack-calls.js';

export interface CardSyncOptions {
  slack: SlackCalls;
  /** Reads (any process may read). */
  storage: Pick<Storage, 'requests'>;
  /** Whose cards this process posts, and the stores it writes them through. */
  scope: DeliveryScope;
  /** Where a record's card goes: the gateway's pairing channel, or the exec approvals channel. */
  channelOf: (record: RequestRecord) => string;
  log: Logger;
  context: () => CardContext;
  /** More new requests than this at once are coalesced into digest messages. */
  coalesceThreshold?: number;
  /** Asks the loop for another pass right after this one (the rest of a partly adopted batch). */
  again: () => void;
  /** Asks the loop for a pass in `ms` (a card held back for a moment after a single card). */
  later: (ms: number) => void;
  nowMs?: () => number;
}

const BATCH = 1000;
/** A digest posted this recently still takes new requests of the same burst. */
const BURST_WINDOW_MS = 10_000;
/**
 * Single cards posted this recently, and still undecided, count towards the coalescing threshold: the loop posts a
 * quiet channel's first card at once, so the start of a burst is spread over several passes, and each pass alone
 * may stay under it. (Requests decided one by one as they come are no burst.)
 */
const SINGLES_WINDOW_MS = 1_000;
/**
 * The first card of a quiet channel goes out at once; the next ones within this time of a single card wait until it
 * has passed: a burst in the making becomes a digest then, instead of spending Slack's posts (about one per second per
 * channel) one card at a time.
 */
const SINGLE_HOLD_MS = 100;

/** A single card posted within {@link SINGLES_WINDOW_MS}: whose it is, where it is, and when it was posted. */
interface RecentSingle {
  readonly key: RequestKey;
  readonly location: CardLocation;
  readonly atMs: number;
}

/** Brings cards in line with the store: posts new ones (digests in a burst), updates changed ones, never twice. */
export class CardSync implements DeliverySource {
  readonly name = 'cards';
  private readonly nowMs: () => number;
  /** The digest posted last in each channel, while its burst lasts. */
  private readonly openDigests = new Map<string, { location: CardLocation; postedAtMs: number }>();
  /** Each channel's recent single cards: their request and when they were posted (within {@link SINGLES_WINDOW_MS}). */
  private readonly recentSingles = new Map<string, RecentSingle[]>();

  constructor(private readonly options: CardSyncOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  async isIdle(): Promise<boolean> {
    return (await this.options.storage.requests.listDirty(1, this.options.scope.gateways())).length === 0;
  }

  async deliver(): Promise<void> {
    await this.postNew();
    await this.updateChanged();
  }

  private async postNew(): Promise<void> {
    const { requests } = this.options.storage;
    const dirty = (await requests.listDirty(BATCH, this.options.scope.gateways())).filter((r) => r.ts === undefined);
    for (const record of dirty.filter((r) => r.status !== 'pending')) {
      // Resolved before it was ever shown (e.g. superseded in the same burst): nothing to post.
      await this.writes(record).markSynced(keyOf(record), { channel: '', ts: '' }, record.version);
    }
    const byChannel = new Map<string, RequestRecord[]>();
    for (const record of dirty.filter((r) => r.status === 'pending')) {
      const channel = this.options.channelOf(record);
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), record]);
    }
    for (const [channel, fresh] of byChannel) await this.postNewIn(channel, fresh);
  }

  private async postNewIn(channel: string, fresh: RequestRecord[]): Promise<void> {
    let rest = await this.fillOpenDigest(channel, fresh);
    const open = this.openDigests.get(channel);
    const now = this.nowMs();
    const inBurst = open !== undefined && now - open.postedAtMs < BURST_WINDOW_MS;
    const singles = await this.undecidedSingles(channel, now);
    if (singles.length + rest.length > (this.options.coalesceThreshold ?? 3) || (inBurst && rest.length > 0)) {
      const latest = singles.at(-1);
      if (!inBurst && latest !== undefined) {
        // The burst began with a card of its own: that message becomes the burst's first digest (a chat.update),
        // which spares one post of Slack's per-channel limit.
        this.openDigests.set(channel, { location: latest.location, postedAtMs: now });
        this.recentSingles.set(channel, singles.slice(0, -1));
        rest = await this.fillOpenDigest(channel, rest);
      }
      for (let i = 0; i < rest.length; i += DIGEST_CAPACITY) {
        const chunk = rest.slice(i, i + DIGEST_CAPACITY);
        const location = await this.post(channel, chunk, renderPairingDigest(chunk, this.context()));
        if (location) this.openDigests.set(channel, { location, postedAtMs: this.nowMs() });
      }
      return;
    }
    const latest = singles.at(-1);
    if (latest !== undefined && now - latest.atMs < SINGLE_HOLD_MS) {
      this.options.later(latest.atMs + SINGLE_HOLD_MS - now);
      return;
    }
    for (const record of rest) {
      const location = await this.post(channel, [record], renderCard(record, this.context()));
      if (location) singles.push({ key: keyOf(record), location, atMs: this.nowMs() });
    }
  }

  /** The channel's single cards of the last second whose requests are still pending (the list kept is pruned). */
  private async undecidedSingles(channel: string, now: number): Promise<RecentSingle[]> {
    const singles: RecentSingle[] = [];
    for (const single of this.recentSingles.get(channel) ?? []) {
      if (now - single.atMs >= SINGLES_WINDOW_MS) continue;
      if ((await this.options.storage.requests.get(single.key))?.status === 'pending') singles.push(single);
    }
    this.recentSingles.set(channel, singles);
    return singles;
  }

  /**
   * During a burst, new requests join the digest posted last while it has room: a chat.update instead of a new
   * post, which Slack limits to about one per second per channel. Returns the requests that did not fit.
   */
  private async fillOpenDigest(channel: string, fresh: RequestRecord[]): Promise<RequestRecord[]> {
    const open = this.openDigests.get(channel);
    if (!open || fresh.length === 0 || this.nowMs() - open.postedAtMs >= BURST_WINDOW_MS) return fresh;
    const { requests } = this.options.storage;
    const room = DIGEST_CAPACITY - (await requests.listByCard(open.location)).length;
    const joining = fresh.slice(0, Math.max(0, room));
    // updateChanged re-renders the digest with them
    for (const r of joining) await this.writes(r).placeOnCard(keyOf(r), open.location);
    return fresh.slice(joining.length);
  }

  private async updateChanged(): Promise<void> {
    const { requests } = this.options.storage;
    const { slack } = this.options;
    const seen = new Set<string>();
    for (const record of await requests.listDirty(BATCH, this.options.scope.gateways())) {
      if (!record.ts || !record.channel) continue;
      const id = `${record.channel}:${record.ts}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const location = { channel: record.channel, ts: record.ts };
      const group = await requests.listByCard(location);
      const message =
        group.length > 1 ? renderPairingDigest(group, this.context()) : renderCard(record, this.context());
      assertOwned(this.options.scope, new Set(group.map((r) => r.gateway)));
      const updated = await slack.unlessGone('chat.update', () =>
        slack.client.chat.update({ ...location, ...message }),
      );
      // A deleted card cannot be updated any more: stop trying (it is logged) instead of blocking every other card.
      for (const r of group) await this.writes(r).markSynced(keyOf(r), location, r.version);
      if (!updated)
        this.options.log.error({ location }, 'a pairing card was deleted in Slack; its updates are dropped');
    }
  }

  /** Posts one card or digest; returns where it landed (undefined when an earlier post was adopted instead). */
  private async post(
    channel: string,
    records: RequestRecord[],
    message: RenderedMessage,
  ): Promise<CardLocation | undefined> {
    const { slack, log } = this.options;
    const keys = records.map((r) => requestKey(keyOf(r)));
    const attempts = records.flatMap((r) => (r.postAttemptAtMs === undefined ? [] : [r.postAttemptAtMs]));
    if (attempts.length > 0 && slack.historyReadable(channel)) {
      // An earlier post may have landed with its answer lost: adopt that message instead of posting twice.
      assertOwned(this.options.scope, new Set(records.map((r) => r.gateway)));
      const found = await slack.call('conversations.history', () =>
        findPostedCards(slack.client, channel, keys, Math.min(...attempts)),
      );
      const adopted = records.filter((r) => found.has(requestKey(keyOf(r))));
      for (const r of adopted)
        await this.writes(r).placeOnCard(keyOf(r), { channel, ts: found.get(requestKey(keyOf(r))) ?? '' });
      if (adopted.length > 0) {
        // The rest are posted (re-rendered without the adopted ones) on the next pass.
        if (adopted.length < records.length) this.options.again();
        return undefined;
      }
    }
    const now = this.nowMs();
    for (const r of records) await this.writes(r).markPostAttempt(keyOf(r), now);
    assertOwned(this.options.scope, new Set(records.map((r) => r.gateway)));
    const result = await slack.call('chat.postMessage', () =>
      slack.client.chat.postMessage({
        channel,
        ...message,
        metadata: cardMetadata(keys),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    const location = { channel: result.channel ?? channel, ts: result.ts ?? '' };
    for (const r of records) await this.writes(r).markSynced(keyOf(r), location, r.version);
    log.info(
      { ts: location.ts, requests: records.map((r) => r.requestId) },
      records.length > 1 ? 'posted a pairing digest' : 'posted a pairing card',
    );
    return location;
  }

  /** Where a record's card changes are written (fenced by the gateway's lease on replicas). */
  private writes(record: RequestRecord): RequestStore {
    return this.options.scope.storesFor(record.gateway).requests;
  }

  private context(): CardContext {
    return { ...this.options.context(), nowMs: this.nowMs() };
  }
}
