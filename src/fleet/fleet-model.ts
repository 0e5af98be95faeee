import type { Logger } from 'pino';
import type { NodeManager } from '../gateway/nodes.js';
import { HostStatsSchema, type NodeInfo, PresenceEntrySchema } from '../gateway/schemas.js';
import type { GatewayEvents } from '../pairing/ports.js';

export interface FleetModelOptions {
  source: Pick<NodeManager, 'list'>;
  events: GatewayEvents;
  log: Logger;
  /** A slow timer re-reads node.list even when no event says anything changed (default 5 min). */
  refreshIntervalMs?: number;
  /** Events that only say "something changed" (pairing, inventory) are followed by one node.list this much later. */
  debounceMs?: number;
  nowMs?: () => number;
}

const REFRESH_INTERVAL_MS = 5 * 60_000;
const DEBOUNCE_MS = 250;

/**
 * One gateway's nodes, kept in memory: `node.list` after every (re)connect and sequence gap and on a slow timer,
 * and in between the gateway's own pushes (`presence` snapshots and `node.hostStats` are applied; a pairing or
 * inventory change, or a node presence does not know, makes the model stale: the next read fetches, and a
 * debounced re-read follows). Commands read it without a round trip while it is in step; otherwise they fetch
 * (one fetch shared by concurrent readers).
 */
export class FleetModel {
  private readonly nowMs: () => number;
  private readonly byId = new Map<string, NodeInfo>();
  /** The list as commands see it; rebuilt lazily after a change. */
  private snapshot: NodeInfo[] | undefined;
  private synced = false;
  /** Bumped by every invalidation: a fetch started before one must not mark the model synced. */
  private generation = 0;
  private inflight: Promise<NodeInfo[]> | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private lastSyncAtMs: number | undefined;
  private readonly listeners = new Set<() => void>();
  /** Nodes connected when the session was lost and not seen connected since (see {@link sessionLost}). */
  private readonly lost = new Map<string, { lostAtMs: number; backAtMs: number | undefined }>();

  constructor(private readonly options: FleetModelOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Subscribes to the session's events (every process answering commands keeps its own model). */
  start(): void {
    const { events } = this.options;
    this.unsubscribe.push(
      events.on('presence', (p) => this.onPresence(p)),
      events.on('node.hostStats', (p) => this.onHostStats(p)),
      events.on('node.pair.requested', () => this.stale()),
      events.on('node.pair.resolved', () => this.stale()),
      events.on('node.runnerInventory.changed', () => this.stale()),
      events.onResync(() => void this.refresh().catch(() => undefined)),
    );
    this.timer = setInterval(
      () => void this.refresh().catch(() => undefined),
      this.options.refreshIntervalMs ?? REFRESH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Every node: from memory while the model is in step with the gateway, else from a (shared) node.list. */
  async list(): Promise<NodeInfo[]> {
    if (this.synced) {
      this.snapshot ??= [...this.byId.values()];
      return this.snapshot;
    }
    return this.inflight ?? this.refresh();
  }

  /** The nodes while the model is in step with the gateway; undefined while it is stale (alerts wait then). */
  current(): readonly NodeInfo[] | undefined {
    if (!this.synced) return undefined;
    this.snapshot ??= [...this.byId.values()];
    return this.snapshot;
  }

  /** Called after every change the model takes in (a list read, a presence or host stats update). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.options.log.error({ err }, 'a fleet listener failed');
      }
    }
  }

  /** When the model last matched a node.list (undefined before the first one). */
  get syncedAtMs(): number | undefined {
    return this.lastSyncAtMs;
  }

  /** Forget being in step (after rename, remove, approval, or a lost session): the next read fetches. */
  invalidate(): void {
    this.synced = false;
    this.generation += 1;
  }

  /**
   * The session is gone (call on every state change away from connected; only the first one after a loss counts):
   * invalidates, and remembers the nodes that were connected until `atMs`. A restarted gateway lists them offline
   * with their last *connect* time as last seen (seen live), so the lists that follow carry `atMs` instead, until
   * the node is seen connected again.
   */
  sessionLost(atMs: number): void {
    this.invalidate();
    for (const node of this.byId.values())
      if (node.connected === true && !this.lost.has(node.nodeId))
        this.lost.set(node.nodeId, { lostAtMs: atMs, backAtMs: undefined });
  }

  /**
   * For a node lost with the session that has not reconnected since: when the model was first in step again after
   * the loss. It could not reconnect while the gateway was away, so its absence counts from then (node alerts).
   */
  backAtMs(nodeId: string): number | undefined {
    return this.lost.get(nodeId)?.backAtMs;
  }

  /** Re-reads node.list now (one at a time; concurrent callers share it). */
  refresh(): Promise<NodeInfo[]> {
    if (this.inflight) return this.inflight;
    const generation = this.generation;
    const run = this.options.source
      .list()
      .then(({ nodes }) => {
        this.byId.clear();
        const now = this.nowMs();
        for (const node of nodes) this.byId.set(node.nodeId, this.carryLoss(node, now));
        for (const id of this.lost.keys()) if (!this.byId.has(id)) this.lost.delete(id);
        const listed = [...this.byId.values()];
        this.snapshot = listed;
        if (generation === this.generation) {
          this.synced = true;
          this.lastSyncAtMs = this.nowMs();
        }
        this.changed();
        return listed;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    this.inflight = run;
    return run;
  }

  /** A node lost with the session: connected again (forget it), or still away (last seen no earlier than the loss). */
  private carryLoss(node: NodeInfo, nowMs: number): NodeInfo {
    const lost = this.lost.get(node.nodeId);
    if (!lost) return node;
    if (node.connected !== false) {
      this.lost.delete(node.nodeId);
      return node;
    }
    lost.backAtMs ??= nowMs;
    const seenMs = node.lastSeenAtMs ?? node.lastConnectedAtMs;
    return seenMs !== undefined && seenMs >= lost.lostAtMs ? node : { ...node, lastSeenAtMs: lost.lostAtMs };
  }

  /** Something changed that the event does not spell out: the next read fetches, and a re-read follows soon anyway. */
  private stale(): void {
    this.invalidate();
    this.refreshSoon();
  }

  private refreshSoon(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.refresh().catch((err: unknown) => this.options.log.debug({ err }, 'node.list refresh failed'));
    }, this.options.debounceMs ?? DEBOUNCE_MS);
    this.debounce.unref();
  }

  private change(nodeId: string, patch: Partial<NodeInfo>): void {
    const node = this.byId.get(nodeId);
    if (!node) return;
    this.byId.set(nodeId, { ...node, ...patch });
    this.snapshot = undefined;
    this.changed();
  }

  /** A full presence snapshot: node entries carry the node's device id; connects and disconnects update the model. */
  private onPresence(payload: unknown): void {
    const list = (payload as { presence?: unknown } | undefined)?.presence;
    if (!Array.isArray(list)) return;
    let unknown = false;
    for (const raw of list) {
      const entry = PresenceEntrySchema.safeParse(raw);
      if (!entry.success || entry.data.mode !== 'node' || !entry.data.deviceId) continue;
      const node = this.byId.get(entry.data.deviceId);
      if (!node) {
        unknown = true;
        continue;
      }
      const connected = entry.data.reason !== 'disconnect';
      if (connected) this.lost.delete(node.nodeId);
      if (node.connected === connected) continue;
      const at = entry.data.ts ?? this.nowMs();
      this.change(
        node.nodeId,
        connected
          ? { connected, connectedAtMs: at, lastSeenAtMs: at }
          : { connected, lastSeenAtMs: at, lastSeenReason: 'disconnect' },
      );
    }
    if (unknown) this.stale();
  }

  private onHostStats(payload: unknown): void {
    const p = payload as { nodeId?: unknown; hostStats?: unknown } | undefined;
    if (typeof p?.nodeId !== 'string') return;
    const stats = HostStatsSchema.safeParse(p.hostStats);
    if (stats.success) this.change(p.nodeId, { hostStats: stats.data });
  }
}
