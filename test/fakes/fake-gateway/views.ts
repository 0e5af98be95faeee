import type { FakeNode } from './state.js';

/** Wire shapes of nodes and presence entries (reference §6, §7). Pure functions. */

function copyOptional<T extends object, K extends keyof T>(
  target: Record<string, unknown>,
  source: T,
  keys: K[],
): void {
  for (const key of keys) {
    if (source[key] !== undefined) target[key as string] = structuredClone(source[key]);
  }
}

/** One entry of `node.list` / `node.describe`. */
export function renderNodeListEntry(node: FakeNode): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    nodeId: node.nodeId,
    displayName: node.displayName,
    platform: node.platform,
    version: node.version,
    clientId: 'node-host',
    clientMode: 'node',
    deviceFamily: node.deviceFamily,
    caps: [...node.caps],
    commands: [...node.commands],
    sessionHost: node.displayName,
    approvalState: node.approvalState,
    lastSeenAtMs: node.lastSeenAtMs,
    lastSeenReason: node.lastSeenReason,
    paired: node.approvalState === 'approved',
    connected: node.connected,
  };
  copyOptional(entry, node, [
    'hostStats',
    'pendingRequestId',
    'pendingDeclaredCaps',
    'pendingDeclaredCommands',
    'connectedAtMs',
    'lastConnectedAtMs',
    'approvedAtMs',
  ]);
  return entry;
}

/** The node record returned by `node.pair.approve` and listed under `node.pair.list.paired`. */
export function renderPairedNode(node: FakeNode): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    nodeId: node.nodeId,
    clientId: 'node-host',
    clientMode: 'node',
    displayName: node.displayName,
    platform: node.platform,
    version: node.version,
    deviceFamily: node.deviceFamily,
    caps: [...node.caps],
    commands: [...node.commands],
    createdAtMs: node.createdAtMs,
    approvedAtMs: node.approvedAtMs ?? node.createdAtMs,
    lastSeenAtMs: node.lastSeenAtMs,
    lastSeenReason: node.lastSeenReason,
  };
  copyOptional(entry, node, ['lastConnectedAtMs']);
  if (node.hostStats) entry.lastHostStats = structuredClone(node.hostStats);
  return entry;
}

export interface OperatorPresence {
  key: string;
  host: string;
  clientId: string;
  mode: string;
  version: string;
  platform: string;
  deviceId?: string;
  scopes: string[];
  connected: boolean;
  ts: number;
}

/** Presence of the gateway itself, every node, and operator sessions other than cli/backend/probe. */
export function renderPresence(
  nodes: readonly FakeNode[],
  operators: readonly OperatorPresence[],
  startedAtMs: number,
): Record<string, unknown>[] {
  const gateway = {
    host: 'fake-gateway',
    version: '2026.9.6-fake',
    platform: 'linux',
    deviceFamily: 'Linux',
    mode: 'gateway',
    reason: 'self',
    ts: startedAtMs,
    text: 'Gateway: fake-gateway · mode gateway',
  };
  const nodeEntries = nodes.map((node) => ({
    host: node.displayName,
    clientId: 'node-host',
    version: node.version,
    platform: node.platform,
    deviceFamily: node.deviceFamily,
    mode: 'node',
    deviceId: node.nodeId,
    roles: ['node'],
    instanceId: node.nodeId,
    reason: node.connected ? 'connect' : 'disconnect',
    ts: node.lastSeenAtMs,
    text: `Node: ${node.displayName} · mode node`,
  }));
  const operatorEntries = operators.map((op) => {
    const entry: Record<string, unknown> = {
      host: op.host,
      clientId: op.clientId,
      version: op.version,
      platform: op.platform,
      mode: op.mode,
      roles: ['operator'],
      scopes: [...op.scopes],
      instanceId: op.key,
      reason: op.connected ? 'connect' : 'disconnect',
      ts: op.ts,
      text: `Operator: ${op.host} · mode ${op.mode}`,
    };
    if (op.deviceId) entry.deviceId = op.deviceId;
    return entry;
  });
  return [gateway, ...nodeEntries, ...operatorEntries];
}
