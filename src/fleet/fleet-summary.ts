/** One gateway's fleet at a glance (App Home, `presence`): counts, the offline nodes, disk alerts. Pure. */
import type { NodeInfo } from '../gateway/schemas.js';
import type { NodeAlertRecord } from '../storage/ports.js';

export interface OfflineNode {
  readonly nodeId: string;
  readonly name: string | undefined;
  readonly lastSeenAtMs: number | undefined;
}

export interface DiskAlertEntry {
  readonly nodeId: string;
  readonly name: string | undefined;
  readonly detail: string | undefined;
}

export interface FleetSummary {
  readonly gateway: string;
  /** The node list is known (undefined counts: the gateway has not answered since the bot started). */
  readonly known: boolean;
  readonly approved: number;
  readonly online: number;
  /** Approved nodes not connected, the most recently seen first. */
  readonly offline: readonly OfflineNode[];
  /** Pairing requests waiting for a decision (undefined: the store could not be read). */
  readonly pending: number | undefined;
  /** Nodes with an open low-disk alert. */
  readonly diskAlerts: readonly DiskAlertEntry[];
}

/** The nodes the gateway approved (older gateways say only `paired`). */
export function isApproved(node: NodeInfo): boolean {
  return node.approvalState === 'approved' || (node.approvalState === undefined && node.paired === true);
}

/** Sums up `nodes` (undefined: not known yet) with the open alerts and the pending count. */
export function summarizeFleet(input: {
  readonly gateway: string;
  readonly nodes: readonly NodeInfo[] | undefined;
  readonly openAlerts: readonly NodeAlertRecord[];
  readonly pending: number | undefined;
}): FleetSummary {
  const nodes = input.nodes ?? [];
  const approved = nodes.filter(isApproved);
  const offline = approved
    .filter((n) => n.connected !== true)
    .map((n) => ({ nodeId: n.nodeId, name: n.displayName, lastSeenAtMs: n.lastSeenAtMs ?? n.lastConnectedAtMs }))
    .sort((a, b) => (b.lastSeenAtMs ?? 0) - (a.lastSeenAtMs ?? 0));
  const diskAlerts = input.openAlerts
    .filter((a) => a.kind === 'disk' && a.closedAtMs === undefined)
    .flatMap((a) =>
      a.nodes
        .filter((n) => !a.recovered.includes(n.nodeId))
        .map((n) => ({ nodeId: n.nodeId, name: n.name, detail: a.detail })),
    );
  return {
    gateway: input.gateway,
    known: input.nodes !== undefined,
    approved: approved.length,
    online: approved.length - offline.length,
    offline,
    pending: input.pending,
    diskAlerts,
  };
}
