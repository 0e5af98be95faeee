import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import { SerialCheck } from '../runtime/serial-check.js';
import { type FencedStores, keyOf, type Storage } from '../storage/ports.js';
import { type RemovableGateway, removeNode } from './node-removal.js';

export interface ApprovalExpiryOptions {
  gateway: RemovableGateway;
  /** Reads (any process may read). */
  storage: Pick<Storage, 'requests'>;
  audit: AuditLog;
  /** Removals wait while the gateway session is down (no failed try, no audit row, per check). */
  isConnected: () => boolean;
  /** Something was queued or a card changed: deliver. */
  onEnded: () => void;
  log: Logger;
  /** How often the store is asked for approvals whose time is up (default 5 s). */
  checkEveryMs?: number;
  nowMs?: () => number;
}

const CHECK_EVERY_MS = 5_000;
/** After a removal the gateway refused, the next try of that node waits 5 s, doubling up to this. */
const RETRY_MAX_MS = 5 * 60_000;

/**
 * Time-bound approvals: once an approval's stored deadline has passed, the node is removed on the gateway, the card
 * says so and a thread reply under it too. The deadline lives in the store, so a restart or another replica taking
 * the gateway over still removes the node (late by the downtime, never not at all). A removal the gateway refuses
 * or cannot take (it is away) is tried again at the next check. Run by the process that does the gateway's duties.
 */
export class ApprovalExpiry {
  private readonly nowMs: () => number;
  private readonly loop: SerialCheck<Pick<FencedStores, 'requests' | 'outbox'>>;
  /** Requests whose removal failed: when to try again, and how many tries failed. */
  private readonly retries = new Map<string, { atMs: number; failures: number }>();

  constructor(private readonly options: ApprovalExpiryOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.loop = new SerialCheck({
      run: (stores) => this.check(stores),
      everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
      log: options.log,
      failure: 'approval expiry check failed; the next one retries',
    });
  }

  start(stores: Pick<FencedStores, 'requests' | 'outbox'>): void {
    this.loop.start(stores);
  }

  stop(): void {
    this.loop.stop();
  }

  /** Resolves once the current check is done (tests). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Checks now (after the check that is running). */
  schedule(): void {
    this.loop.schedule();
  }

  private async check(stores: Pick<FencedStores, 'requests' | 'outbox'>): Promise<void> {
    const { gateway, log } = this.options;
    if (!this.options.isConnected()) return;
    for (const record of await this.options.storage.requests.listExpired(this.nowMs(), [gateway.id])) {
      const retry = this.retries.get(record.requestId);
      if (retry && retry.atMs > this.nowMs()) continue;
      const node = { nodeId: record.request.subjectId, displayName: record.request.displayName };
      const until = new Date(record.approval?.untilMs ?? 0).toISOString();
      try {
        const ended = await removeNode(
          { storage: stores, audit: this.options.audit, nowMs: this.nowMs },
          gateway,
          node,
          { how: 'expired' },
          `time-bound approval of request ${record.requestId} ended at ${until}`,
        );
        // Ended by the removal of another request of the same node: this one is closed the same way.
        if (!ended.some((k) => k.requestId === record.requestId))
          await stores.requests.endApproval(keyOf(record), { how: 'expired', atMs: this.nowMs() }, this.nowMs());
        this.retries.delete(record.requestId);
        log.info(
          { nodeId: node.nodeId, requestId: record.requestId, until },
          'time-bound approval ended: node removed',
        );
        this.options.onEnded();
      } catch (err) {
        const failures = (retry?.failures ?? 0) + 1;
        const delayMs = Math.min(RETRY_MAX_MS, 5_000 * 2 ** (failures - 1));
        this.retries.set(record.requestId, { atMs: this.nowMs() + delayMs, failures });
        log.warn(
          { err, nodeId: node.nodeId, requestId: record.requestId, retryInMs: delayMs },
          'could not remove a node whose time-bound approval ended; trying again later',
        );
      }
    }
  }
}
