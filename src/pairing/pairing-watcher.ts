import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import {
  DevicePairRequestSchema,
  DevicePairResolvedSchema,
  type NodePairList,
  NodePairRequestSchema,
  NodePairResolvedSchema,
  type PairedNode,
} from '../gateway/schemas.js';
import type { Fingerprinter } from './fingerprint.js';
import type { GatewayEvents, PairingGateway } from './ports.js';
import type { PairingStore } from './store.js';
import { toDeviceRequest, toNodeRequest } from './to-request.js';
import type { PairingRequest, RequestKind, RequestRecord, RequestStatus } from './types.js';

export interface PairingWatcherOptions {
  gateway: PairingGateway;
  events: GatewayEvents;
  store: PairingStore;
  audit: AuditLog;
  log: Logger;
  /** The install's keyed fingerprint of a request's surface. */
  fingerprint: Fingerprinter;
  /** Called whenever a card needs posting or updating. */
  onChange: () => void;
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

/** Allowed difference between the gateway's clock and ours when comparing approval times. */
const APPROVAL_CLOCK_SKEW_MS = 60_000;

/** Keeps the store true to the gateway: live pairing events plus reconciliation with the gateway's lists. */
export class PairingWatcher {
  private readonly nowMs: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private paired = new Map<string, PairedNode>();
  private reconciling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Outside rejections waiting out the supersede grace, by `kind:requestId`. */
  private readonly deferred = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: PairingWatcherOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Subscribes to events and starts periodic reconciliation. */
  start(): void {
    this.rekeyPending();
    const { events } = this.options;
    this.unsubscribe.push(
      events.on('node.pair.requested', (p) => this.onNodeRequested(p)),
      events.on('node.pair.resolved', (p) => this.onNodeResolved(p)),
      events.on('device.pair.requested', (p) => this.onDeviceRequested(p)),
      events.on('device.pair.resolved', (p) => this.onDeviceResolved(p)),
      events.onResync((reason) => void this.reconcile(reason)),
    );
    this.timer = setInterval(() => void this.reconcile('timer'), this.options.reconcileIntervalMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * Pending records fingerprinted under another key (an older release, or a replaced key file) get this install's
   * fingerprint and a re-rendered card: old buttons stop working, the new ones decide as before.
   */
  private rekeyPending(): void {
    const { store, fingerprint } = this.options;
    let rekeyed = 0;
    for (const record of store.listByStatus('pending')) {
      const current = fingerprint(record.request);
      if (current === record.fingerprint) continue;
      store.updateRequest(record.kind, record.requestId, record.request, current, this.nowMs());
      rekeyed += 1;
    }
    if (rekeyed > 0) {
      this.options.log.info({ rekeyed }, "pending cards re-rendered with this install's fingerprint key");
      this.options.onChange();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const t of this.deferred.values()) clearTimeout(t);
    this.deferred.clear();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Re-reads pending and paired lists; one reconciliation at a time. Never throws. */
  reconcile(reason: string): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileOnce(reason));
    return this.reconciling;
  }

  private async reconcileOnce(reason: string): Promise<void> {
    const { gateway, log } = this.options;
    // Requests first seen after the lists were read are not in them; only older ones can be "gone".
    const snapshotAtMs = this.nowMs();
    try {
      const [nodes, devices] = await Promise.all([gateway.pairList(), gateway.devicePairList()]);
      this.rememberPaired(nodes);
      const now = this.nowMs();
      for (const raw of nodes.pending) this.accept(toNodeRequest(raw, this.paired.get(raw.nodeId), now));
      for (const raw of devices.pending) this.accept(toDeviceRequest(raw, now));
      const pendingIds = new Set([
        ...nodes.pending.map((r) => `node:${r.requestId}`),
        ...devices.pending.map((r) => `device:${r.requestId}`),
      ]);
      const pairedDevices = new Map(devices.paired.map((d) => [d.deviceId, d.approvedAtMs]));
      const claimed = new Set(this.options.store.listClaims().map((c) => `${c.kind}:${c.requestId}`));
      for (const record of this.options.store.listByStatus('pending')) {
        const key = `${record.kind}:${record.requestId}`;
        if (pendingIds.has(key) || claimed.has(key) || record.createdAtMs >= snapshotAtMs) continue;
        this.resolveGone(record, pairedDevices);
      }
      log.debug({ reason, nodes: nodes.pending.length, devices: devices.pending.length }, 'pairing state reconciled');
      await this.options.onReconciled?.();
    } catch (err) {
      log.warn({ err, reason }, 'pairing reconciliation failed; will retry on the next resync or timer');
    }
  }

  /** A request vanished from the gateway without an event we saw: settle its card from the paired lists. */
  private resolveGone(record: RequestRecord, pairedDevices: Map<string, number | undefined>): void {
    const subject = record.request.subjectId;
    const approvedAt = record.kind === 'node' ? this.paired.get(subject)?.approvedAtMs : pairedDevices.get(subject);
    // Approved since the request was first seen (a repair request of a paired device that expired is not approved).
    const approved = approvedAt !== undefined && approvedAt >= record.createdAtMs - APPROVAL_CLOCK_SKEW_MS;
    // Device requests expire ~5 minutes after the last attempt, silently. Node requests never expire: one that left
    // the list without an event we saw was decided or cleared while the bot was not watching.
    if (approved) this.settle(record.kind, record.requestId, 'approved', 'resolved outside Slack');
    else if (record.kind === 'device') this.settle('device', record.requestId, 'expired', 'expired on the gateway');
    else this.settle('node', record.requestId, 'gone', 'no longer pending on the gateway; no decision was seen');
  }

  private rememberPaired(list: NodePairList): void {
    this.paired = new Map(list.paired.map((p) => [p.nodeId, p]));
  }

  private onNodeRequested(payload: unknown): void {
    const parsed = NodePairRequestSchema.safeParse(payload);
    if (!parsed.success) {
      this.options.log.warn('ignoring a malformed node.pair.requested event');
      return;
    }
    const raw = parsed.data;
    this.accept(toNodeRequest(raw, this.paired.get(raw.nodeId), this.nowMs()));
  }

  private onDeviceRequested(payload: unknown): void {
    const parsed = DevicePairRequestSchema.safeParse(payload);
    if (!parsed.success) {
      this.options.log.warn('ignoring a malformed device.pair.requested event');
      return;
    }
    this.accept(toDeviceRequest(parsed.data, this.nowMs()));
  }

  private onNodeResolved(payload: unknown): void {
    const parsed = NodePairResolvedSchema.safeParse(payload);
    if (!parsed.success) {
      this.options.log.warn('ignoring a malformed node.pair.resolved event');
      return;
    }
    const { requestId, nodeId, decision } = parsed.data;
    if (decision === 'removed' || requestId === '') {
      if (nodeId) this.paired.delete(nodeId);
      for (const record of this.options.store.listByStatus('pending')) {
        if (record.kind === 'node' && record.request.subjectId === nodeId)
          this.settle('node', record.requestId, 'removed', 'node removed');
      }
      return;
    }
    this.settleFromEvent('node', requestId, decision);
    if (decision === 'approved') void this.reconcile('node approved');
  }

  private onDeviceResolved(payload: unknown): void {
    const parsed = DevicePairResolvedSchema.safeParse(payload);
    if (!parsed.success) {
      this.options.log.warn('ignoring a malformed device.pair.resolved event');
      return;
    }
    this.settleFromEvent('device', parsed.data.requestId, parsed.data.decision);
  }

  /** A resolution event: ours (a claim exists, the decider settles it) or from outside Slack. */
  private settleFromEvent(kind: RequestKind, requestId: string, decision: string): void {
    if (this.options.store.listClaims().some((c) => c.kind === kind && c.requestId === requestId)) return;
    if (decision !== 'rejected') {
      if (decision === 'approved') this.settle(kind, requestId, 'approved', 'resolved outside Slack');
      else this.settle(kind, requestId, 'gone', `resolved as "${decision}"`);
      return;
    }
    // The same event announces a supersede (a newer request follows at once) and a rejection by a person: wait for
    // the newer request before calling it a rejection.
    const key = `${kind}:${requestId}`;
    if (this.deferred.has(key)) return;
    const timer = setTimeout(() => {
      this.deferred.delete(key);
      this.settle(kind, requestId, 'rejected', 'resolved outside Slack');
    }, this.options.supersedeGraceMs ?? SUPERSEDE_GRACE_MS);
    timer.unref();
    this.deferred.set(key, timer);
  }

  /** Settles a pending record with a final status, audited as the gateway's doing (no person of ours decided it). */
  private settle(kind: RequestKind, requestId: string, status: RequestStatus, detail: string): void {
    const now = this.nowMs();
    const by = status === 'approved' || status === 'rejected' ? { via: 'outside' as const } : undefined;
    if (!this.options.store.resolve(kind, requestId, status, by, now)) return;
    const request = this.options.store.get(kind, requestId)?.request;
    this.options.audit.record({
      actor: 'gateway',
      action: `pairing.${status}`,
      gateway: 'default',
      target: request ? `${kind}:${request.subjectId}` : `${kind}-request:${requestId}`,
      targetName: request?.displayName,
      requestId,
      outcome: 'ok',
      detail,
    });
    this.options.onChange();
  }

  /** Stores a pending request once; a newer request for the same subject supersedes older pending ones. */
  private accept(request: PairingRequest): void {
    const { store, log } = this.options;
    const now = this.nowMs();
    const fingerprint = this.options.fingerprint(request);
    const existing = store.get(request.kind, request.requestId);
    if (existing) {
      if (existing.status === 'pending' && existing.fingerprint !== fingerprint) {
        store.updateRequest(request.kind, request.requestId, request, fingerprint, now);
        this.options.onChange();
      }
      return;
    }
    for (const older of store.listByStatus('pending')) {
      if (older.kind === request.kind && older.request.subjectId === request.subjectId) {
        this.settle(older.kind, older.requestId, 'superseded', `superseded by request ${request.requestId}`);
      }
    }
    if (store.insertPending(request, fingerprint, now)) {
      log.info({ kind: request.kind, requestId: request.requestId, subject: request.subjectId }, 'new pairing request');
      this.options.onChange();
    }
  }
}
