import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { Fingerprinter } from '../pairing/fingerprint.js';
import type { GatewayEvents } from '../pairing/ports.js';
import type { ExecDecision, RequestRecord, RequestStatus, Resolver } from '../pairing/types.js';
import type { RequestKey, Storage } from '../storage/ports.js';
import { execAuditTarget } from './exec-audit.js';
import type { ExecApprovalsGateway } from './exec-gateway.js';
import { isApprovalNotFound } from './exec-gateway.js';
import {
  type ApprovalSnapshot,
  describeResolver,
  type ExecApproval,
  ExecApprovalSchema,
  ExecResolvedSchema,
} from './exec-schemas.js';
import { toExecRequest } from './to-exec-request.js';

export interface ExecWatcherOptions {
  gatewayId: string;
  gateway: ExecApprovalsGateway;
  /** Events of the session that declares the `approvals` cap (only it receives exec.approval.*). */
  events: GatewayEvents;
  storage: Pick<Storage, 'requests' | 'claims'>;
  audit: AuditLog;
  domain: DomainEvents;
  fingerprint: Fingerprinter;
  /** The display name of a node, when the bot knows it (best effort: a card without it still names the id). */
  nodeName: (nodeId: string) => Promise<string | undefined>;
  /** Called after every successful reconciliation (the exec decider finishes interrupted decisions then). */
  onReconciled?: () => Promise<void>;
  /** Whether the approvals session is up (an expiry seen while it is down is settled locally). */
  isConnected: () => boolean;
  log: Logger;
  reconcileIntervalMs?: number;
  nowMs?: () => number;
}

/** After its expiry time a request is looked at again this much later (the gateway's own event usually wins). */
const EXPIRY_GRACE_MS = 1_000;
const RETRY_MS = 5_000;

/** What the gateway's "how it ended" says in the bot's terms. */
function outcomeOf(snapshot: ApprovalSnapshot): { status: RequestStatus; decision?: ExecDecision } | undefined {
  switch (snapshot.status) {
    case 'allowed':
      return { status: 'approved', decision: snapshot.decision ?? 'allow-once' };
    case 'denied':
      return snapshot.reason === 'timeout' ? { status: 'expired' } : { status: 'rejected', decision: 'deny' };
    case 'expired':
      return { status: 'expired' };
    case 'cancelled':
      // The run was aborted or the gateway restarted: nothing can run on it any more.
      return { status: 'gone' };
    default:
      return undefined;
  }
}

/**
 * Keeps the store true to one gateway's exec approval requests: live events from the approvals session, a replay
 * with `exec.approval.list` on every (re)connect, and each request's expiry. A request is stored once, ever.
 */
export class ExecWatcher {
  private readonly nowMs: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private handling: Promise<void> = Promise.resolve();
  private reconciling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private writes: Pick<Storage, 'requests'> | undefined;
  private active = false;

  constructor(private readonly options: ExecWatcherOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  get running(): boolean {
    return this.active;
  }

  private get requests(): Storage['requests'] {
    return (this.writes ?? this.options.storage).requests;
  }

  /** Subscribes and schedules expiries, writing through `writes` (fenced stores on a replica holding the lease). */
  async start(writes: Pick<Storage, 'requests'> = this.options.storage): Promise<void> {
    this.writes = writes;
    this.active = true;
    const inOrder = (handle: (payload: unknown) => Promise<void>) => (payload: unknown) => {
      this.handling = this.handling
        .then(() => handle(payload))
        .catch((err: unknown) => {
          this.options.log.error({ err }, 'could not store an exec approval event; the next reconciliation catches up');
          this.retrySoon();
        });
    };
    const { events } = this.options;
    this.unsubscribe.push(
      events.on(
        'exec.approval.requested',
        inOrder((p) => this.onRequested(p)),
      ),
      events.on(
        'exec.approval.resolved',
        inOrder((p) => this.onResolved(p)),
      ),
      events.onResync((reason) => void this.reconcile(reason)),
    );
    this.timer = setInterval(() => void this.reconcile('timer'), this.options.reconcileIntervalMs ?? 60_000);
    this.timer.unref();
    await this.scheduleExpiry();
  }

  stop(): void {
    this.active = false;
    clearInterval(this.timer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Resolves once every event received so far is stored. */
  idle(): Promise<void> {
    return this.handling;
  }

  /** Replays what is pending on the gateway and settles what left it; one at a time, never throws. */
  reconcile(reason: string): Promise<void> {
    if (!this.running) return this.reconciling;
    this.reconciling = this.reconciling.then(() => (this.running ? this.reconcileOnce(reason) : undefined));
    return this.reconciling;
  }

  private async reconcileOnce(reason: string): Promise<void> {
    const { gateway, log, storage, gatewayId } = this.options;
    const snapshotAtMs = this.nowMs();
    try {
      const pending = await gateway.list();
      for (const approval of pending) await this.accept(approval);
      const listed = new Set(pending.map((a) => a.id));
      const claimed = new Set((await storage.claims.list(gatewayId)).map((c) => `${c.kind}:${c.requestId}`));
      for (const record of await this.pendingRecords()) {
        if (listed.has(record.requestId) || claimed.has(`exec:${record.requestId}`)) continue;
        if (record.createdAtMs >= snapshotAtMs) continue;
        await this.settleFromGateway(record);
      }
      log.debug({ reason, pending: pending.length }, 'exec approvals reconciled');
      await this.scheduleExpiry();
      await this.options.onReconciled?.();
    } catch (err) {
      log.warn({ err, reason }, 'exec approval reconciliation failed; retrying soon');
      this.retrySoon();
    }
  }

  private async pendingRecords(): Promise<RequestRecord[]> {
    return (await this.requests.listByStatus('pending', this.options.gatewayId)).filter((r) => r.kind === 'exec');
  }

  /** A request that left the pending list without an event we saw: ask the gateway how it ended. */
  private async settleFromGateway(record: RequestRecord): Promise<void> {
    let snapshot: ApprovalSnapshot | undefined;
    try {
      snapshot = await this.options.gateway.get(record.requestId);
    } catch (err) {
      if (!isApprovalNotFound(err)) throw err;
      // Unknown to the gateway (restarted, or older than its 30-day history): it cannot be decided any more.
      const expired = (record.request.exec?.expiresAtMs ?? 0) <= this.nowMs();
      await this.settle(record.requestId, expired ? 'expired' : 'gone', undefined, 'no longer known to the gateway');
      return;
    }
    const outcome = outcomeOf(snapshot);
    if (!outcome) return;
    const name = describeResolver(snapshot.resolver);
    const by: Resolver | undefined =
      outcome.status === 'expired' ? undefined : { via: 'outside', decision: outcome.decision, name };
    await this.settle(record.requestId, outcome.status, by, 'resolved outside Slack (seen on reconciliation)');
  }

  private retrySoon(): void {
    if (this.retryTimer || !this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconcile('retry after a failure');
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /** One timer for the soonest expiry among pending requests. */
  private async scheduleExpiry(): Promise<void> {
    clearTimeout(this.expiryTimer);
    if (!this.running) return;
    const next = Math.min(...(await this.pendingRecords()).map((r) => r.request.exec?.expiresAtMs ?? Infinity));
    if (!Number.isFinite(next)) return;
    const delayMs = Math.max(0, next + EXPIRY_GRACE_MS - this.nowMs());
    this.expiryTimer = setTimeout(() => void this.onExpiryDue(), Math.min(delayMs, 2 ** 31 - 1));
    this.expiryTimer.unref();
  }

  /** Past a request's expiry: the gateway says how it ended; while it cannot be asked, it has expired for sure. */
  private async onExpiryDue(): Promise<void> {
    if (this.options.isConnected()) return this.reconcile('an exec approval reached its expiry');
    const now = this.nowMs();
    this.handling = this.handling
      .then(async () => {
        for (const record of await this.pendingRecords())
          if ((record.request.exec?.expiresAtMs ?? Infinity) + EXPIRY_GRACE_MS <= now)
            await this.settle(record.requestId, 'expired', undefined, 'expired while the gateway was unreachable');
        await this.scheduleExpiry();
      })
      .catch((err: unknown) => this.options.log.error({ err }, 'could not expire exec approvals'));
  }

  private async onRequested(payload: unknown): Promise<void> {
    const parsed = ExecApprovalSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed exec.approval.requested event');
    await this.accept(parsed.data);
    await this.scheduleExpiry();
  }

  private async onResolved(payload: unknown): Promise<void> {
    const parsed = ExecResolvedSchema.safeParse(payload);
    if (!parsed.success) return this.options.log.warn('ignoring a malformed exec.approval.resolved event');
    const { id, decision, resolvedBy } = parsed.data;
    const claims = await this.options.storage.claims.list(this.options.gatewayId);
    // Ours: the exec decider records it (with the clicker) once the gateway confirms.
    if (claims.some((c) => c.kind === 'exec' && c.requestId === id)) return;
    if (!resolvedBy && (decision === 'deny' || decision === undefined)) {
      // The gateway's timeout reads "deny" with no resolver: nobody denied it.
      await this.settle(id, 'expired', undefined, 'expired on the gateway');
      return;
    }
    const status: RequestStatus = decision === 'deny' ? 'rejected' : 'approved';
    await this.settle(
      id,
      status,
      { via: 'outside', decision: decision ?? 'allow-once', name: resolvedBy ?? undefined },
      'resolved outside Slack',
    );
  }

  private key(requestId: string): RequestKey {
    return { gateway: this.options.gatewayId, kind: 'exec', requestId };
  }

  private async accept(approval: ExecApproval): Promise<void> {
    const key = this.key(approval.id);
    if (await this.requests.get(key)) return;
    const nodeId = approval.request.host === 'node' ? approval.request.nodeId : undefined;
    const name = nodeId ? await this.options.nodeName(nodeId).catch(() => undefined) : undefined;
    const request = toExecRequest(approval, name);
    if (
      await this.requests.insertPending(
        this.options.gatewayId,
        request,
        this.options.fingerprint(request),
        this.nowMs(),
      )
    ) {
      this.options.log.info(
        { gateway: this.options.gatewayId, requestId: approval.id, node: nodeId ?? 'gateway' },
        'new exec approval request',
      );
      this.options.domain.emit({ type: 'request.seen', key });
    }
  }

  /** Settles a pending record as the gateway's doing, audited; nothing when it was not pending any more. */
  private async settle(
    requestId: string,
    status: RequestStatus,
    by: Resolver | undefined,
    detail: string,
  ): Promise<void> {
    const key = this.key(requestId);
    if (!(await this.requests.resolve(key, status, by, this.nowMs()))) return;
    const record = await this.requests.get(key);
    const decision = by?.decision;
    const who = by?.via === 'outside' && by.name ? ` by ${by.name}` : '';
    await this.options.audit.record({
      ...execAuditTarget('gateway', key, record),
      action: `exec.${status === 'expired' || status === 'gone' ? status : (decision ?? status)}`,
      outcome: 'ok',
      detail: `${detail}${who}`,
    });
    this.options.domain.emit({ type: 'request.resolved', key, status });
  }
}
