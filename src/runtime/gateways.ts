import type { GatewayConfig } from '../config/gateways.js';
import type { ExecRuntime } from '../exec/exec-runtime.js';
import type { ApprovalReceipts } from '../fleet/approval-receipts.js';
import type { FleetModel } from '../fleet/fleet-model.js';
import type { GatewayClient, GatewayStatus } from '../gateway/gateway-client.js';
import type { NodeManager } from '../gateway/nodes.js';
import type { PairingDecider } from '../pairing/decider.js';
import type { PairingWatcher } from '../pairing/pairing-watcher.js';
import type { GatewayAlerts } from '../slack/gateway-alerts.js';
import type { GatewayDuties } from './gateway-duties.js';

/** Everything the bot runs for one gateway: its own session, device identity, reconnect, watcher, decider, alerts. */
export interface GatewayRuntime {
  readonly id: string;
  readonly config: GatewayConfig;
  readonly client: GatewayClient;
  readonly nodes: NodeManager;
  /** The gateway's nodes in memory (node.list plus the gateway's pushes): commands read it without a round trip. */
  readonly directory: FleetModel;
  readonly watcher: PairingWatcher;
  readonly decider: PairingDecider;
  readonly alerts: GatewayAlerts;
  /** Receipts under approved cards once the approval is in effect. */
  readonly receipts: ApprovalReceipts;
  /** The gateway's background work (watcher and alerts), run by one process at a time. */
  readonly duties: GatewayDuties;
  /** Exec approvals: their own session, watcher and decider; undefined unless OPENCLAW_EXEC_APPROVALS is on. */
  readonly exec: ExecRuntime | undefined;
}

/** The configured gateways by id; "the gateway" is always a lookup here, never a global. */
export class Gateways {
  private readonly byId: ReadonlyMap<string, GatewayRuntime>;

  constructor(private readonly list: readonly GatewayRuntime[]) {
    this.byId = new Map(list.map((g) => [g.id, g]));
  }

  get(id: string): GatewayRuntime | undefined {
    return this.byId.get(id);
  }

  all(): readonly GatewayRuntime[] {
    return this.list;
  }

  ids(): string[] {
    return this.list.map((g) => g.id);
  }

  /** True when more than one gateway is configured: then cards, alerts and answers name the gateway. */
  get multiple(): boolean {
    return this.list.length > 1;
  }

  /** The gateway's name for people: undefined when there is only one (nothing to tell apart). */
  label(id: string): string | undefined {
    return this.multiple ? id : undefined;
  }

  status(id: string): GatewayStatus | undefined {
    return this.byId.get(id)?.client.getStatus();
  }
}
