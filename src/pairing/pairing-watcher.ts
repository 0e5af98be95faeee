import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import { StorageUnavailableError } from '../errors.js';
import type { DomainEvents } from '../events/domain-events.js';
import {
  DevicePairRequestSchema,
  DevicePairResolvedSchema,
  type NodePairList,
  NodePairRequestSchema,
  NodePairResolvedSchema,
  type PairedNode,
} from '../gateway/schemas.js';
import { keyOf, keyString, type RequestKey, type Storage } from '../storage/ports.js';
import type { Fingerprinter } from './fingerprint.js';
import type { GatewayEvents, PairingGateway } from './ports.js';
import { toDeviceRequest, toNodeRequest } from './to-request.js';
import type { PairingRequest, RequestKind, RequestRecord, RequestStatus } from './types.js';

export interface PairingWatcherOptions {
  /** Id of the gateway this watcher follows. */
  gatewayId: string;
  gateway: PairingGateway;
  events: GatewayEvents;
  storage: Pick<Storage, 'requests' | 'claims'>;
  audit: AuditLog;
  domain: DomainEvents;
  log: Logger;
  /** The install's keyed fingerprint of a request's surface. */
  fingerprint: Fingerprinter;
  /** Called after every successful reconciliation (the decider finishes claims with unknown outcomes then). */
  onReconciled?: () => Promise<void>;
  reconcileIntervalMs?: number;
  /**
   * How long an outside "rejected" waits before it is shown: the gateway reports a superseded request as rejected,
   * followed at once by the newer request for the same node or device (default 1500 ms).
   */
  supersedeGraceMs?: number;
  nowMs?: () => number;
}

/** Default of {@link PairingWatcherOptions.supersedeGraceMs}. */
export const SUPERSEDE_GRACE_MS = 1_500;

/** Reconciliation retries while the store is unreachable: 1 s, doubling to 15 s. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/** Allowed difference between the gateway's clock and ours when comparing approval times. */
const APPROVAL_CLOCK_SKEW_MS = 60_000;

/** Exec approval records share the store; this watcher keeps only pairing records true. */
function isPairing(record: RequestRecord): boolean {
  return record.kind !== 'exec';
}

/** Keeps the store true to one gateway: live pairing events plus reconciliation with the gateway's lists. */
export class PairingWatcher {
  private readonly nowMs: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private paired = new Map<string, PairedNode>();
  private reconciling: Promise<void> = Promise.resolve();
  private accepting: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  /** Events are handled one at a time, in order (they are stored with awaits in between). */
  private handling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Outside rejections waiting out the supersede grace, by key. */
  private readonly deferred = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: PairingWatcherOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Where records are written: the storage itself, or (on a replica holding the gateway's lease) fenced stores. */
  private writes: Pick<Storage, 'requests'> | undefined;

  private get requests(): Storage['requests'] {
    return (this.writes ?? this.options.storage).requests;
  }

  private active = false;

  /** True between start and stop. */
  get running(): boolean {
    return this.active;
  }

  /**
   * Re-keys pending records, subscribes to events and starts periodic reconciliation, writing through `writes`
   * (a replica passes the stores fenced by its lease).
   */
  async start(writes: Pick<Storage, 'requests'> = this.options.storage): Promise<void> {
    // Kept after stop: an event still being stored then writes through the same (fenced) stores, never around them.
    this.writes = writes;
    this.active = true;
    await this.rekeyPending();
    const { events } = this.options;
    const inOrder = (handle: (payload: unknown) => Promise<void>) => (payload: unknown) => {
      this.handling = this.handling
        .then(() => handle(payload))
        .catch((err: unknown) => {
          this.options.log.error({ err }, 'could not store a pairing event; the next reconciliation catches up');
          if (err instanceof StorageUnavailableError) this.retrySoon();
        });
    };
    this.unsubscribe.push(
      events.on(
        'node.pair.requested',
        inOrder((p) => this.onNodeRequested(p)),
      ),
      events.on(
        'node.pair.resolved',
        inOrder((p) => this.onNodeResolved(p)),
      ),
      events.on(
        'device.pair.requested',
        inOrder((p) => this.onDeviceRequested(p)),
      ),
      events.on(
        'device.pair.resolved',
        inOrder((p) => this.onDeviceResolved(p)),
      ),
      events.onResync((reason) => void this.reconcile(reason)),
    );
    this.timer = setInterval(() => void this.reconcile('timer'), this.options.reconcileIntervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    this.active = false;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const t of this.deferred.values()) clearTimeout(t);
    this.deferred.clear();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Resolves once every event received so far is stored (tests and shutdown). */
  idle(): Promise<void> {
    return this.handling;
  }

  /**
   * Pending records fingerprinted under another key (an older release, or a replaced key file) get this install's
   * fingerprint and a re-rendered card: old buttons stop working, the new ones decide as before.
   */
  private async rekeyPending(): Promise<void> {
    const { fingerprint, gatewayId } = this.options;
    let rekeyed = 0;
    for (const record of (await this.requests.listByStatus('pending', gatewayId)).filter(isPairing)) {
      const current = fingerprint(record.request);
      if (current === record.fingerprint) continue;
      await this.requests.updateRequest(keyOf(record), record.request, current, this.nowMs());
      this.options.domain.emit({ type: 'request.changed', key: keyOf(record) });
      rekeyed += 1;
    }
    if (rekeyed > 0)
      this.options.log.info({ rekeyed }, "pending cards re-rendered with this install's fingerprint key");
  }

  /** Re-reads pending and paired lists; one reconciliation at a time. Never throws; does nothing when stopped. */
  reconcile(reason: string): Promise<void> {
    if (!this.running) return this.reconciling;
    this.reconciling = this.reconciling.then(() => (this.running ? this.reconcileOnce(reason) : undefined));
    return this.reconciling;
  }

  private async reconcileOnce(reason: string): Promise<void> {
    const { gateway, log, storage, gatewayId } = this.options;
    // Requests first seen after the lists were read are not in them; only older ones can be "gone".
    const snapshotAtMs = this.nowMs();
    try {
      const [nodes, devices] = await Promise.all([gateway.pairList(), gateway.devicePairList()]);
      this.rememberPaired(nodes);
      const now = this.nowMs();
      for (const raw of nodes.pending) await this.accept(toNodeRequest(raw, this.paired.get(raw.nodeId), now));
      for (const raw of devices.pending) await this.accept(toDeviceRequest(raw, now));
      const pendingIds = new Set([
        ...nodes.pending.map((r) => `node:${r.requestId}`),
        ...devices.pending.map((r) => `device:${r.requestId}`),
      ]);
      const pairedDevices = new Map(devices.paired.map((d) => [d.deviceId, d.approvedAtMs]));
      const claimed = new Set((await storage.claims.list(gatewayId)).map((c) => `${c.kind}:${c.requestId}`));
      for (const record of (await this.requests.listByStatus('pending', gatewayId)).filter(isPairing)) {
        const id = `${record.kind}:${record.requestId}`;
        if (pendingIds.has(id) || claimed.has(id) || record.createdAtMs >= snapshotAtMs) continue;
        await this.resolveGone(record, pairedDevices);
      }
      log.debug({ reason, nodes: nodes.pending.length, devices: devices.pending.length }, 'pairing state reconciled');
      await this.options.onReconciled?.();
    } catch (err) {
      const store = err instanceof StorageUnavailableError;
      log.warn(
        { err, reason },
        `pairing reconciliation failed; ${store ? 'retrying soon' : 'will retry on the next resync or timer'}`,
      );
      if (store) this.retrySoon();
    }
  }

  /** The store was unreachable: reconcile again shortly (backing off), so what happened meanwhile is caught up. */
  private retrySoon(): void {
    if (this.retryTimer || !this.running) return;
    const delayMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.retries);
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconcile('the store was unreachable').then(() => {
        if (!this.retryTimer) this.retries = 0;
      });
    }, delayMs);
    this.retryTimer.unref();
  }

  /** A request vanished from the gateway without an event we saw: settle its card from the paired lists. */
  private async resolveGone(record: RequestRecord, pairedDevices: Map<string, number | undefined>): Promise<void> {
    const subject = record.request.subjectId;
    const approvedAt = record.kind === 'node' ? this.paired.get(subject)?.approvedAtMs : pairedDevices.get(subject);
    // Approved since the request was first seen (a repair request of a paired device that expired is not approved).
    const approved = approvedAt !== undefined && approvedAt >= record.createdAtMs - APPROVAL_CLOCK_SKEW_MS;
    // Device requests expire ~5 minutes after the last attempt, silently. Node requests never expire: one that left
    // the list without an event we saw was decided or cleared while the bot was not watching.
    if (approved) await this.settle(record.kind, record.requestId, 'approved', 'resolved outside Slack');
    else if (record.kind === 'device')
      await this.settle('device', record.requestId, 'expired', 'expired on the gateway');
    else await this.settle('node', record.requestId, 'gone', 'no longer pending on the gateway; no decision was seen');
  }

  private rememberPaired(list: NodePairList): void {
    this.paired = new Map(list.paired.map((p) => [p.nodeId, p]));
  }

  private async onNodeRequested(payload: unknown): Promise<void> {
    const parsed = NodePairRequestSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed node.pair.requested event');
    const raw = parsed.data;
    await this.accept(toNodeRequest(raw, this.paired.get(raw.nodeId), this.nowMs()));
  }

  private async onDeviceRequested(payload: unknown): Promise<void> {
    const parsed = DevicePairRequestSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed device.pair.requested event');
    await this.accept(toDeviceRequest(parsed.data, this.nowMs()));
  }

  private async onNodeResolved(payload: unknown): Promise<void> {
    const parsed = NodePairResolvedSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed node.pair.resolved event');
    const { requestId, nodeId, decision } = parsed.data;
    if (decision === 'removed' || requestId === '') {
      if (nodeId) this.paired.delete(nodeId);
      for (const record of (await this.requests.listByStatus('pending', this.options.gatewayId)).filter(isPairing)) {
        if (record.kind === 'node' && record.request.subjectId === nodeId)
          await this.settle('node', record.requestId, 'removed', 'node removed');
      }
      return;
    }
    await this.settleFromEvent('node', requestId, decision);
    if (decision === 'approved') void this.reconcile('node approved');
  }

  private async onDeviceResolved(payload: unknown): Promise<void> {
    const parsed = DevicePairResolvedSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed device.pair.resolved event');
    await this.settleFromEvent('device', parsed.data.requestId, parsed.data.decision);
  }

  private key(kind: RequestKind, requestId: string): RequestKey {
    return { gateway: this.options.gatewayId, kind, requestId };
  }

  /** A resolution event: ours (a claim exists, the decider settles it) or from outside Slack. */
  private async settleFromEvent(kind: RequestKind, requestId: string, decision: string): Promise<void> {
    const claims = await this.options.storage.claims.list(this.options.gatewayId);
    if (claims.some((c) => c.kind === kind && c.requestId === requestId)) return;
    if (decision !== 'rejected') {
      if (decision === 'approved') await this.settle(kind, requestId, 'approved', 'resolved outside Slack');
      else await this.settle(kind, requestId, 'gone', `resolved as "${decision}"`);
      return;
    }
    // The same event announces a supersede (a newer request follows at once) and a rejection by a person: wait for
    // the newer request before calling it a rejection.
    const id = keyString(this.key(kind, requestId));
    if (this.deferred.has(id)) return;
    const timer = setTimeout(() => {
      this.deferred.delete(id);
      this.handling = this.handling
        .then(() => this.settle(kind, requestId, 'rejected', 'resolved outside Slack'))
        .catch((err: unknown) => this.options.log.error({ err }, 'could not store an outside rejection'));
    }, this.options.supersedeGraceMs ?? SUPERSEDE_GRACE_MS);
    timer.unref();
    this.deferred.set(id, timer);
  }

  /** Settles a pending record with a final status, audited as the gateway's doing (no person of ours decided it). */
  private async settle(kind: RequestKind, requestId: string, status: RequestStatus, detail: string): Promise<void> {
    const now = this.nowMs();
    const key = this.key(kind, requestId);
    const by = status === 'approved' || status === 'rejected' ? { via: 'outside' as const } : undefined;
    if (!(await this.requests.resolve(key, status, by, now))) return;
    const request = (await this.requests.get(key))?.request;
    await this.options.audit.record({
      actor: 'gateway',
      action: `pairing.${status}`,
      gateway: this.options.gatewayId,
      target: request ? `${kind}:${request.subjectId}` : `${kind}-request:${requestId}`,
      targetName: request?.displayName,
      requestId,
      outcome: 'ok',
      detail,
    });
    this.options.domain.emit({ type: 'request.resolved', key, status });
  }

  /**
   * Stores a pending request once; a newer request for the same subject supersedes older pending ones. One at a
   * time: an event and a reconciliation may bring the same request at once, and must not see each other's insert
   * as an older request to supersede.
   */
  private accept(request: PairingRequest): Promise<void> {
    const run = this.accepting.then(() => this.acceptOnce(request));
    this.accepting = run.catch(() => undefined);
    return run;
  }

  private async acceptOnce(request: PairingRequest): Promise<void> {
    const { log, gatewayId } = this.options;
    const now = this.nowMs();
    const key = this.key(request.kind, request.requestId);
    const fingerprint = this.options.fingerprint(request);
    const existing = await this.requests.get(key);
    if (existing) {
      if (existing.status === 'pending' && existing.fingerprint !== fingerprint) {
        await this.requests.updateRequest(key, request, fingerprint, now);
        this.options.domain.emit({ type: 'request.changed', key });
      }
      return;
    }
    for (const older of await this.requests.listPendingOf(gatewayId, request.kind, request.subjectId)) {
      if (older.requestId !== request.requestId) {
        await this.settle(older.kind, older.requestId, 'superseded', `superseded by request ${request.requestId}`);
      }
    }
    if (await this.requests.insertPending(gatewayId, request, fingerprint, now)) {
      log.info(
        { gateway: gatewayId, kind: request.kind, requestId: request.requestId, subject: request.subjectId },
        'new pairing request',
      );
      this.options.domain.emit({ type: 'request.seen', key });
    }
  }
}
