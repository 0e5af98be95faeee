/**
 * App Home: publishes a viewer's Home tab (their requests, the fleet) and answers decisions taken there. A Home tab
 * has no response_url, so a click made in it is answered by publishing it again with a note, and by a DM.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { StorageUnavailableError } from '../errors.js';
import { summarizeFleet } from '../fleet/fleet-summary.js';
import type { MembershipCheck } from '../pairing/ports.js';
import type { RequestRecord } from '../pairing/types.js';
import type { GatewayRuntime, Gateways } from '../runtime/gateways.js';
import type { NodeAlertRecord, RequestKey, Storage } from '../storage/ports.js';
import { execOutcomeLine } from './blocks/exec-card.js';
import { type HomeGateway, renderHome } from './blocks/home-view.js';
import type { CardContext } from './blocks/pairing-card.js';
import { outcomeLine } from './blocks/request-summary.js';
import { STORAGE_UNAVAILABLE_MESSAGE } from './decision-notes.js';
import { describeSlackError } from './slack-errors.js';

export interface AppHomeOptions {
  gateways: Gateways;
  storage: Pick<Storage, 'requests' | 'alerts'>;
  context: () => CardContext;
  isMember: MembershipCheck;
  /** Everyone who decides something: approvers, admins and exec approvers. */
  deciders: readonly string[];
  log: Logger;
  nowMs?: () => number;
}

/** Home tabs opened this recently are published again when a request appears or is resolved. */
const VIEWER_TTL_MS = 15 * 60_000;
/** At most this many recent viewers are remembered (and refreshed, one views.publish each). */
const MAX_VIEWERS = 50;
/** Changes within this window make one refresh. */
const REFRESH_DEBOUNCE_MS = 1_000;

/** What a Home view is built from, read once per publish. */
interface HomeData {
  readonly pending: readonly RequestRecord[];
  readonly alerts: ReadonlyMap<string, readonly NodeAlertRecord[]>;
  readonly storageDown: boolean;
}

export class AppHome {
  private readonly nowMs: () => number;
  /** Who opened their Home tab lately (oldest first), and when. */
  private readonly viewers = new Map<string, number>();
  /** The note of a viewer's last Home decision: kept on top by refreshes until they open the tab again. */
  private readonly notes = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AppHomeOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** `userId` opened their Home tab: publish it now, and again on the next change while it is recent. */
  async opened(client: WebClient, userId: string): Promise<void> {
    this.viewers.delete(userId);
    this.viewers.set(userId, this.nowMs());
    this.notes.delete(userId);
    for (const user of [...this.viewers.keys()].slice(0, Math.max(0, this.viewers.size - MAX_VIEWERS))) {
      this.viewers.delete(user);
      this.notes.delete(user);
    }
    await this.publish(client, userId);
  }

  /** A request appeared or was resolved: the recent viewers' Home tabs are published again, once per burst. */
  changed(client: WebClient): void {
    if (this.refreshTimer || this.viewers.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh(client);
    }, REFRESH_DEBOUNCE_MS);
    this.refreshTimer.unref();
  }

  stop(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async refresh(client: WebClient): Promise<void> {
    const since = this.nowMs() - VIEWER_TTL_MS;
    for (const [user, at] of this.viewers) {
      if (at < since) {
        this.viewers.delete(user);
        this.notes.delete(user);
      } else await this.publish(client, user, this.notes.get(user)).catch(() => undefined);
    }
  }

  /** Publishes `userId`'s Home tab as it is now; `note` (bot-made mrkdwn) says what their last click did. */
  async publish(client: WebClient, userId: string, note?: string): Promise<void> {
    const data = await this.read();
    const decidable = data.storageDown ? [] : await this.decidableBy(userId, data.pending);
    const ctx = this.options.context();
    const view = renderHome({
      decidable,
      decider: await this.options.isMember(userId, this.options.deciders),
      gateways: await Promise.all(this.options.gateways.all().map((g) => this.gatewayOf(g, data))),
      note: data.storageDown ? [note, STORAGE_UNAVAILABLE_MESSAGE].filter(Boolean).join(' ') : note,
      ctx,
    });
    try {
      await client.views.publish({ user_id: userId, view });
    } catch (err) {
      this.options.log.warn({ err, user: userId }, `could not publish the App Home: ${describeSlackError(err)}`);
    }
  }

  /**
   * Answers a decision taken in the Home tab: the tab again with the note on top (the request's outcome when the
   * decision went through), and the same note by DM, since the tab may be closed by then.
   */
  async answer(client: WebClient, userId: string, request: RequestKey | undefined, text: string | undefined) {
    const record =
      request && !text ? await this.options.storage.requests.get(request).catch(() => undefined) : undefined;
    const outcome = record ? (record.kind === 'exec' ? execOutcomeLine(record) : outcomeLine(record)) : undefined;
    const note = text ?? outcome ?? 'Done: the channel card shows the outcome.';
    if (this.viewers.has(userId)) this.notes.set(userId, note);
    await Promise.all([this.publish(client, userId, note), this.directMessage(client, userId, note)]);
  }

  private async directMessage(client: WebClient, userId: string, note: string): Promise<void> {
    try {
      const opened = await client.conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (channel) await client.chat.postMessage({ channel, text: `From your OpenClaw Home tab: ${note}` });
    } catch (err) {
      this.options.log.warn({ err, user: userId }, `could not send a Home decision by DM: ${describeSlackError(err)}`);
    }
  }

  private async read(): Promise<HomeData> {
    try {
      const pending = await this.options.storage.requests.listByStatus('pending');
      const alerts = new Map<string, readonly NodeAlertRecord[]>();
      for (const g of this.options.gateways.all()) alerts.set(g.id, await this.options.storage.alerts.listOpen(g.id));
      return { pending, alerts, storageDown: false };
    } catch (err) {
      if (!(err instanceof StorageUnavailableError)) throw err;
      return { pending: [], alerts: new Map(), storageDown: true };
    }
  }

  /** The pending requests `userId` may decide, by the deciders' own rules (admin-only, exec approvers), oldest first. */
  private async decidableBy(userId: string, pending: readonly RequestRecord[]): Promise<RequestRecord[]> {
    const mine: RequestRecord[] = [];
    for (const record of pending) {
      const runtime = this.options.gateways.get(record.gateway);
      if (!runtime) continue;
      const allowed =
        record.kind === 'exec'
          ? await runtime.exec?.decider.authorize(userId)
          : await runtime.decider.authorize(userId, record.request);
      if (allowed?.ok) mine.push(record);
    }
    return mine.sort((a, b) => a.request.requestedAtMs - b.request.requestedAtMs);
  }

  /** One gateway's overview: from the fleet model (one node.list when it is out of step and the gateway is up). */
  private async gatewayOf(g: GatewayRuntime, data: HomeData): Promise<HomeGateway> {
    const nodes = g.client.isConnected ? await g.directory.list().catch(() => undefined) : g.directory.current();
    const summary = summarizeFleet({
      gateway: g.id,
      nodes,
      openAlerts: data.alerts.get(g.id) ?? [],
      pending: data.pending.filter((r) => r.gateway === g.id && r.kind !== 'exec').length,
    });
    return { label: this.options.gateways.label(g.id), summary, session: g.client.getStatus().state };
  }
}
