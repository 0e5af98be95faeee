import type { NodeInfo } from '../../../src/gateway/schemas.js';

/** An approved, connected node as node.list reports it (overrides win). */
export const node = (nodeId: string, extra: Partial<NodeInfo> = {}): NodeInfo => ({
  nodeId,
  displayName: nodeId,
  caps: [],
  commands: [],
  connected: true,
  approvalState: 'approved',
  ...extra,
});
