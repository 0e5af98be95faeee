import type { Logger } from 'pino';
import type { NodeInfo } from '../gateway/schemas.js';
import type { FencedStores, NodeAlertRecord } from '../storage/ports.js';
import { isApproved } from './fleet-summary.js';

/** What node alerts read: the fleet while it is in step with the gateway, and its changes. */
export interface FleetView {
  current(): readonly NodeInfo[] | undefined;
  onChange(listener: () => void): () => void;
  /** For a node lost with the gateway session and not back yet: when the fleet was in step again after the loss. */
  backAtMs(nodeId: string): number | undefined;
}

export interface NodeAlertsOptions {
  gatewayId: string;
  fleet: FleetView;
  /** Whether the gateway session is up: while it is away, node states are stale and alerts are held. */
  isConnected: () => boolean;
  channel: string;
  /** OPENCLAW_NODE_OFFLINE_AFTER_MS: an approved node disconnected this long gets an alert. */
  offlineAfterMs: number;
  /** OPENCLAW_DISK_ALERT_PERCENT: free disk below this (percent of the volume) alerts; 0 turns disk alerts off. */
  diskPercent: number;
  /** After an alert closes, the same node gets no new one of that kind for this long (flapping). */
  quietMs?: number;
  /** This many nodes due at once make one grouped alert (a network cut, a gateway restart). */
  groupAt?: number;
  /** How often the rules are checked besides every fleet change and each node's due time (a safety net). */
  checkEveryMs?: number;
  onQueued: () => void;
  log: Logger;
  nowMs?: () => number;
}

const QUIET_MS = 10 * 60_000;
const GROUP_AT = 3;
const CHECK_EVERY_MS = 60_000;
/** Disk recovers above the threshold plus this (percentage points), so a volume at the edge does not flap. */
const DISK_HYSTERESIS = 1;

/** Free disk in percent of the volume, when the node reports both numbers. */
export function freeDiskPercent(node: NodeInfo): number | undefined {
  const total = node.hostStats?.diskTotalBytes;
  const free = node.hostStats?.diskAvailableBytes;
  if (total === undefined || free === undefined || total <= 0) return undefined;
  return (free / total) * 100;
}

function gib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Node alerts of one gateway, run by the process that does its background work: one message when an approved node
 * stays disconnected past the delay (one grouped message when several go at once), a thread reply and an updated
 * message when it is back; one alert while free disk is below the threshold. One open alert per node and kind, a
 * quiet period after one closes; nothing while the gateway itself is away (node states are unknown then), and a node
 * lost with the gateway gets the whole delay after it is back to reconnect (a restart is no node outage).
 */
export class NodeAlerts {
  private readonly nowMs: () => number;
  private stores: Pick<FencedStores, 'alerts' | 'outbox'> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The next moment an offline node becomes due. */
  private dueTimer: NodeJS.Timeout | undefined;
  private offChange: (() => void) | undefined;
  private checking: Promise<void> = Promise.resolve();
  /** When this process first saw a node offline that reported no last-seen time. */
  private readonly offlineSeen = new Map<string, number>();
  private again = false;
  private busy = false;

  constructor(private readonly options: NodeAlertsOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  start(stores: Pick<FencedStores, 'alerts' | 'outbox'>): void {
    this.stores = stores;
    this.offChange = this.options.fleet.onChange(() => this.schedule());
    this.timer = setInterval(() => this.schedule(), this.options.checkEveryMs ?? CHECK_EVERY_MS);
    this.timer.unref();
    this.schedule();
  }

  stop(): void {
    this.stores = undefined;
    clearInterval(this.timer);
    clearTimeout(this.dueTimer);
    this.offChange?.();
    this.offChange = undefined;
  }

  /** Resolves once the check running now (if any) is done (tests). */
  idle(): Promise<void> {
    return this.checking;
  }

  /** Checks the rules now, or right after the check that is running. */
  schedule(): void {
    if (!this.stores) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.checking = this.check()
      .catch((err: unknown) => this.options.log.warn({ err }, 'node alert check failed; next check retries'))
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async check(): Promise<void> {
    const stores = this.stores;
    const nodes = this.options.fleet.current();
    if (!stores || !nodes || !this.options.isConnected()) return;
    // Read with the snapshot: a node that reconnects while this check awaits the store is judged as the snapshot says.
    const backAt = new Map(nodes.map((n) => [n.nodeId, this.options.fleet.backAtMs(n.nodeId)]));
    const { gatewayId } = this.options;
    const now = this.nowMs();
    const open = await stores.alerts.listOpen(gatewayId);
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    await this.recoveries(stores, open, byId, now);
    const quiet = await stores.alerts.listClosedSince(gatewayId, now - (this.options.quietMs ?? QUIET_MS));
    // One alert per node and kind: none while one is open (a node back inside an open group waits for the group),
    // and none for the quiet period after one closed (a flapping node).
    const covered = (kind: NodeAlertRecord['kind'], nodeId: string) =>
      [...open, ...quiet].some((a) => a.kind === kind && a.nodes.some((n) => n.nodeId === nodeId));
    const approved = nodes.filter(isApproved);
    const waiting = approved.filter((n) => n.connected === false && !covered('offline', n.nodeId));
    for (const id of this.offlineSeen.keys()) if (byId.get(id)?.connected !== false) this.offlineSeen.delete(id);
    const sinceOf = (n: NodeInfo) => {
      const known = n.lastSeenAtMs ?? n.lastConnectedAtMs;
      if (known !== undefined) return known;
      if (!this.offlineSeen.has(n.nodeId)) this.offlineSeen.set(n.nodeId, now);
      return this.offlineSeen.get(n.nodeId) ?? now;
    };
    // A node lost with the gateway could not come back while it was away: its delay starts once the gateway is back.
    const clockOf = (n: NodeInfo) => Math.max(sinceOf(n), backAt.get(n.nodeId) ?? Number.NEGATIVE_INFINITY);
    const due = waiting.filter((n) => now - clockOf(n) >= this.options.offlineAfterMs);
    await this.openOffline(stores, due, now);
    const next = Math.min(
      ...waiting.filter((n) => !due.includes(n)).map((n) => clockOf(n) + this.options.offlineAfterMs),
    );
    clearTimeout(this.dueTimer);
    if (Number.isFinite(next)) {
      this.dueTimer = setTimeout(() => this.schedule(), Math.max(0, next - now) + 10);
      this.dueTimer.unref();
    }
    if (this.options.diskPercent > 0) {
      for (const node of approved) {
        const free = freeDiskPercent(node);
        if (node.connected === false || free === undefined || free >= this.options.diskPercent) continue;
        if (covered('disk', node.nodeId)) continue;
        const detail = `${free.toFixed(1)}% free (${gib(node.hostStats?.diskAvailableBytes)} of ${gib(node.hostStats?.diskTotalBytes)})`;
        await this.open(stores, 'disk', `disk:${node.nodeId}:${now}`, [node], now, detail);
      }
    }
  }

  private async recoveries(
    stores: Pick<FencedStores, 'alerts' | 'outbox'>,
    open: readonly NodeAlertRecord[],
    byId: ReadonlyMap<string, NodeInfo>,
    now: number,
  ): Promise<void> {
    for (const alert of open) {
      const back = alert.nodes
        .filter((n) => !alert.recovered.includes(n.nodeId))
        .filter((n) => {
          const node = byId.get(n.nodeId);
          // A node removed or unpaired since is no longer watched: its alert ends with it.
          if (!node || node.approvalState === 'unapproved') return true;
          if (alert.kind === 'offline') return node.connected === true;
          const free = freeDiskPercent(node);
          return free !== undefined && free >= this.options.diskPercent + DISK_HYSTERESIS;
        })
        .map((n) => n.nodeId);
      if (back.length === 0) continue;
      await stores.alerts.recover(alert.gateway, alert.key, back, now);
      await stores.outbox.enqueue(
        { kind: 'node-alert', gateway: alert.gateway, key: alert.key, change: 'update', recovered: back },
        now,
      );
      this.options.onQueued();
    }
  }

  private async openOffline(stores: Pick<FencedStores, 'alerts' | 'outbox'>, due: readonly NodeInfo[], now: number) {
    if (due.length === 0) return;
    if (due.length >= (this.options.groupAt ?? GROUP_AT)) {
      await this.open(stores, 'offline', `offline-group:${now}`, due, now, undefined);
      return;
    }
    for (const node of due) await this.open(stores, 'offline', `offline:${node.nodeId}:${now}`, [node], now, undefined);
  }

  private async open(
    stores: Pick<FencedStores, 'alerts' | 'outbox'>,
    kind: NodeAlertRecord['kind'],
    key: string,
    nodes: readonly NodeInfo[],
    now: number,
    detail: string | undefined,
  ): Promise<void> {
    const { gatewayId, channel } = this.options;
    await stores.alerts.open({
      gateway: gatewayId,
      key,
      kind,
      channel,
      detail,
      openedAtMs: now,
      nodes: nodes.map((n) => ({
        nodeId: n.nodeId,
        name: n.displayName,
        sinceMs:
          kind === 'offline' ? (n.lastSeenAtMs ?? n.lastConnectedAtMs ?? this.offlineSeen.get(n.nodeId) ?? now) : now,
      })),
    });
    await stores.outbox.enqueue({ kind: 'node-alert', gateway: gatewayId, key, change: 'open' }, now);
    this.options.log.info({ key, nodes: nodes.length }, `node alert opened (${kind})`);
    this.options.onQueued();
  }
}
