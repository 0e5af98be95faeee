import type { ExecWatcher } from '../exec/exec-watcher.js';
import type { ApprovalReceipts } from '../fleet/approval-receipts.js';
import type { NodeAlerts } from '../fleet/node-alerts.js';
import type { GatewayClient } from '../gateway/gateway-client.js';
import type { ApprovalExpiry } from '../pairing/approval-expiry.js';
import type { PairingWatcher } from '../pairing/pairing-watcher.js';
import type { Reminders } from '../pairing/reminders.js';
import type { GatewayAlerts } from '../slack/gateway-alerts.js';
import type { FencedStores } from '../storage/ports.js';

/**
 * One gateway's background work: watching and reconciling its requests (pairing and exec approvals), and its alerts
 * (the gateway session's and the nodes'). Exactly one process runs it
 * at a time (a single instance always; a replica while it holds the gateway's lease), writing through `stores`.
 */
export class GatewayDuties {
  /** Set by a replica coordinator: how to ask the process that runs the duties for a reconciliation. */
  elsewhere: ((reason: string) => void) | undefined;

  constructor(
    private readonly parts: {
      readonly watcher: PairingWatcher;
      readonly alerts: GatewayAlerts;
      readonly client: Pick<GatewayClient, 'getStatus' | 'isConnected'>;
      readonly execWatcher?: ExecWatcher | undefined;
      readonly nodeAlerts?: NodeAlerts | undefined;
      readonly reminders?: Reminders | undefined;
      readonly expiry?: ApprovalExpiry | undefined;
      readonly receipts?: ApprovalReceipts | undefined;
    },
  ) {}

  /** Whether this gateway's duties include node alerts (OPENCLAW_NODE_ALERTS). */
  get watchesNodes(): boolean {
    return this.parts.nodeAlerts !== undefined;
  }

  /** Whether this gateway's duties include reminders (OPENCLAW_REMIND_AFTER_MS above 0). */
  get remindsRequests(): boolean {
    return this.parts.reminders !== undefined;
  }

  /** Resolves once the node alert check running now (if any) is done (tests). */
  nodeAlertsIdle(): Promise<void> {
    return this.parts.nodeAlerts?.idle() ?? Promise.resolve();
  }

  /** Looks for time-bound approvals whose time is up now (when this process runs the duties). */
  checkExpiry(): void {
    if (this.running) this.parts.expiry?.schedule();
  }

  /** Looks for approvals now in effect (when this process runs the duties): the fleet changed, or one was given. */
  checkReceipts(trigger: 'fleet' | 'other' = 'other'): void {
    if (this.running) this.parts.receipts?.schedule(trigger);
  }

  /** Resolves once the receipt check running now (if any) is done (tests). */
  receiptsIdle(): Promise<void> {
    return this.parts.receipts?.idle() ?? Promise.resolve();
  }

  get running(): boolean {
    return this.parts.watcher.running;
  }

  /** Starts watching (a reconciliation follows once the session is up) and alerting, writing through `stores`. */
  async start(stores: FencedStores): Promise<void> {
    await this.parts.watcher.start(stores);
    await this.parts.execWatcher?.start(stores);
    this.parts.alerts.start(stores.outbox, this.parts.client.getStatus());
    this.parts.nodeAlerts?.start(stores);
    this.parts.reminders?.start(stores);
    this.parts.expiry?.start(stores);
    this.parts.receipts?.start(stores);
    // Taken over with the session already up: its hello resync has passed, so catch up with the gateway now.
    if (this.parts.client.isConnected) void this.parts.watcher.reconcile('background work taken over');
    void this.parts.execWatcher?.reconcile('background work taken over');
  }

  /** Stops at once; events still being stored finish (their writes are refused if the lease is gone). */
  stop(): void {
    this.parts.watcher.stop();
    this.parts.execWatcher?.stop();
    this.parts.alerts.stop();
    this.parts.nodeAlerts?.stop();
    this.parts.reminders?.stop();
    this.parts.expiry?.stop();
    this.parts.receipts?.stop();
  }

  /** Reconciles here when this process runs the duties, else asks the one that does. */
  requestReconcile(reason: string): void {
    if (this.running) {
      void this.parts.watcher.reconcile(reason);
      void this.parts.execWatcher?.reconcile(reason);
    } else this.elsewhere?.(reason);
  }
}
