import type { NodeAlertRecord } from './ports.js';

/** The record with `nodeIds` added to the recovered ones; closed once every node has recovered. */
export function withRecovered(row: NodeAlertRecord, nodeIds: readonly string[], nowMs: number): NodeAlertRecord {
  const mine = nodeIds.filter((n) => row.nodes.some((x) => x.nodeId === n));
  const recovered = [...new Set([...row.recovered, ...mine])];
  const all = row.nodes.every((n) => recovered.includes(n.nodeId));
  return { ...row, recovered, closedAtMs: row.closedAtMs ?? (all ? nowMs : undefined) };
}
