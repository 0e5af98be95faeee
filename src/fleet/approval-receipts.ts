import type { Logger } from 'pino';
import type { NodeInfo } from '../gateway/schemas.js';
import type { ApprovalReceipt, RequestRecord } from '../pairing/types.js';
import { SerialCheck } from '../runtime/serial-check.js';
import { type FencedStores, keyOf, type Storage } from '../storage/ports.js';

export interface ApprovalReceiptsOptions {
  gatewayId: string;
  /** Reads (any process may read). */
  storage: Pick<Storage, 'requests'>;
  /** The gateway's nodes as the fleet model knows them (undefined while it is not in step). */
  nodes: () => readonly NodeInfo[] | undefined;
  /** The nodes read from the gateway when the model is not in step (node.list), for a receipt asked for now. */
  fetchNodes?: () => Promise<readonly NodeInfo[]>;
  /** The commands worth naming in a receipt (those that are not harmless). */
  isSensitive: (command: string) => boolean;
  onQueued: () => void;
  log: Logger;
  checkEveryMs?: number;
  nowMs?: () => number;
}

/** A node not seen with its approved commands this long after the approval gets a note instead of a receipt. */
export const RECEIPT_WAIT_MS = 10 * 60_000;
/** Approvals older than this get no receipt at all (a bot that was away longer, or records of an older release). */
const RECEIPT_WINDOW_MS = 70 * 60_000;
const CHECK_EVERY_MS = 30_000;
/** How long a decision's reply waits for the gateway's node list to know whether it is in effect. */
const FETCH_WAIT_MS = 2_000;
const ACTIVE_MAX = 10;

/**
 * Receipts under approved node cards: once the node is seen connected with the commands it was approved for (often
 * at once: it was connected while it asked), a thread reply says when and with what ("connected 14:02 with 8
 * commands; system.run active"); if that has not happened 10 minutes after the approval, a note says so. Stored on
 * the request (once, across restarts and replicas); run by the process that does the gateway's duties.
 */
export class ApprovalReceipts {
  private readonly nowMs: () => number;
  private readonly loop: SerialCheck<Pick<FencedStores, 'requests' | 'outbox'>>;
  /** The last check found no approval waiting: fleet changes alone need no look at the store until one is given. */
  private nothingWaiting = false;

  constructor(private readonly options: ApprovalReceiptsOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.loop = new SerialCheck({
      run: (stores) => this.check(stores),
      everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
      log: options.log,
      failure: 'receipt check failed; the next one retries',
    });
  }

  start(stores: Pick<FencedStores, 'requests' | 'outbox'>): void {
    this.loop.start(stores);
  }

  stop(): void {
    this.loop.stop();
  }

  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Checks now (after the check running): the fleet changed, or a request was approved (or the timer). */
  schedule(trigger: 'fleet' | 'other' = 'other'): void {
    if (trigger === 'fleet' && this.nothingWaiting) return;
    this.loop.schedule();
  }

  private async check(stores: Pick<FencedStores, 'requests' | 'outbox'>): Promise<void> {
    const now = this.nowMs();
    const waiting = (await this.options.storage.requests.listByStatus('approved', this.options.gatewayId)).filter(
      (r) =>
        r.kind === 'node' &&
        r.approval?.receipt === undefined &&
        r.resolvedAtMs !== undefined &&
        now - r.resolvedAtMs < RECEIPT_WINDOW_MS,
    );
    this.nothingWaiting = waiting.length === 0;
    if (waiting.length === 0) return;
    const nodes = this.options.nodes();
    for (const record of waiting) {
      const receipt = this.receiptFor(record, nodes, now);
      if (!receipt) continue;
      const saved = await stores.requests.setApproval(
        keyOf(record),
        { ...record.approval, receipt },
        record.version,
        now,
      );
      // Changed meanwhile (revoked, re-rendered): the next check looks again.
      if (!saved) continue;
      await stores.outbox.enqueue({ kind: 'decision-reply', request: keyOf(record), receipt: true }, now);
      this.options.log.info({ requestId: record.requestId, how: receipt.how }, 'approval receipt queued');
      this.options.onQueued();
    }
  }

  /**
   * The receipt due now if the node is in effect (never the late note), for the decision's reply to carry; reads
   * the gateway's list when the model is behind (an approval has just changed it), within {@link FETCH_WAIT_MS}.
   */
  async inEffect(record: RequestRecord): Promise<ApprovalReceipt | undefined> {
    let nodes = this.options.nodes();
    if (!nodes && this.options.fetchNodes) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), FETCH_WAIT_MS);
      });
      nodes = await Promise.race([this.options.fetchNodes().catch(() => undefined), late]);
      clearTimeout(timer);
    }
    const receipt = this.receiptFor(record, nodes, this.nowMs());
    return receipt?.how === 'connected' ? receipt : undefined;
  }

  private receiptFor(
    record: RequestRecord,
    nodes: readonly NodeInfo[] | undefined,
    now: number,
  ): ApprovalReceipt | undefined {
    const node = nodes?.find((n) => n.nodeId === record.request.subjectId);
    const approved = record.request.commands;
    const missing = node ? approved.filter((c) => !node.commands.includes(c)) : approved;
    // In effect: connected with every approved command, or approved on the gateway with fewer (its policy may
    // withhold some: the receipt names them).
    const inEffect = node?.connected === true && (missing.length === 0 || node.approvalState === 'approved');
    if (node && inEffect) {
      return {
        how: 'connected',
        atMs: now,
        connectedAtMs: node.connectedAtMs,
        commands: node.commands.length,
        active: node.commands.filter((c) => this.options.isSensitive(c)).slice(0, ACTIVE_MAX),
        ...(missing.length > 0 ? { missing: missing.slice(0, ACTIVE_MAX) } : {}),
      };
    }
    if (now - (record.resolvedAtMs ?? now) >= RECEIPT_WAIT_MS) return { how: 'late', atMs: now };
    return undefined;
  }
}
