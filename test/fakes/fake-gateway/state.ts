import crypto from 'node:crypto';
import { DeviceRegistry } from './device-state.js';
import { ExecApprovalBook } from './exec-approvals.js';
import { computeRequiredApproveScopes } from './scopes.js';

/** Gateway state the fake serves: nodes, pending node requests and (via `devices`) device pairing. */

export type ApprovalState = 'approved' | 'pending-approval' | 'pending-reapproval' | 'unapproved';

export interface FakeNode {
  nodeId: string;
  displayName: string;
  platform: string;
  version: string;
  deviceFamily: string;
  /** Effective (approved) surface; empty until approved. */
  caps: string[];
  commands: string[];
  approvalState: ApprovalState;
  connected: boolean;
  pendingRequestId?: string;
  pendingDeclaredCaps?: string[];
  pendingDeclaredCommands?: string[];
  hostStats?: Record<string, unknown>;
  remoteIp?: string;
  createdAtMs: number;
  approvedAtMs?: number;
  connectedAtMs?: number;
  lastConnectedAtMs?: number;
  lastSeenAtMs: number;
  lastSeenReason: string;
}

export interface NodePairRequest {
  requestId: string;
  nodeId: string;
  clientId: 'node-host';
  clientMode: 'node';
  displayName: string;
  platform: string;
  version: string;
  deviceFamily: string;
  caps: string[];
  commands: string[];
  requiredApproveScopes: string[];
  silent: boolean;
  ts: number;
}

export interface AddNodeInput {
  nodeId?: string;
  displayName: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  commands?: string[];
  caps?: string[];
  connected?: boolean;
  approved?: boolean;
  hostStats?: Record<string, unknown>;
  remoteIp?: string;
}

export interface NodePairingInput {
  nodeId?: string;
  /** The request id to use (default: a new UUID), e.g. to bring back a request an earlier run saw. */
  requestId?: string;
  displayName: string;
  commands: string[];
  caps?: string[];
  silent?: boolean;
  platform?: string;
  version?: string;
}

export interface StateListener {
  emit(event: string, payload: Record<string, unknown>): void;
  presenceChanged(): void;
}

function titleCase(platform: string): string {
  return platform.charAt(0).toUpperCase() + platform.slice(1);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** Nodes and node pairing requests, emitting the gateway's events on every change. */
export class GatewayState {
  readonly devices: DeviceRegistry;
  /** Exec approval requests (their events reach only approval routes). */
  readonly exec: ExecApprovalBook;
  private readonly nodeMap = new Map<string, FakeNode>();
  private readonly requests = new Map<string, NodePairRequest>();
  /** Set while {@link addNodes} runs: one presence broadcast at the end instead of one per node. */
  private quiet = false;

  constructor(
    private readonly nowMs: () => number,
    private readonly listener: StateListener,
  ) {
    this.devices = new DeviceRegistry(nowMs, (event, payload) => listener.emit(event, payload));
    this.exec = new ExecApprovalBook(nowMs, (event, payload) =>
      listener.emit(event, payload as Record<string, unknown>),
    );
  }

  /** Adds many nodes and announces presence once, as a gateway's state after a restart would be (not per node). */
  addNodes(inputs: readonly AddNodeInput[]): FakeNode[] {
    this.quiet = true;
    try {
      return inputs.map((input) => this.addNode(input));
    } finally {
      this.quiet = false;
      this.listener.presenceChanged();
    }
  }

  addNode(input: AddNodeInput): FakeNode {
    const now = this.nowMs();
    const approved = input.approved ?? true;
    const connected = input.connected ?? true;
    const platform = input.platform ?? 'linux';
    const node: FakeNode = {
      nodeId: input.nodeId ?? crypto.randomBytes(32).toString('hex'),
      displayName: input.displayName,
      platform,
      version: input.version ?? '2026.9.6',
      deviceFamily: input.deviceFamily ?? titleCase(platform),
      caps: approved ? [...(input.caps ?? [])] : [],
      commands: approved ? [...(input.commands ?? [])] : [],
      approvalState: approved ? 'approved' : 'unapproved',
      connected,
      createdAtMs: now,
      lastSeenAtMs: now,
      lastSeenReason: connected ? 'connect' : 'disconnect',
    };
    if (approved) node.approvedAtMs = now;
    if (connected) node.connectedAtMs = node.lastConnectedAtMs = now;
    if (input.hostStats) node.hostStats = input.hostStats;
    if (input.remoteIp) node.remoteIp = input.remoteIp;
    this.nodeMap.set(node.nodeId, node);
    if (!this.quiet) this.listener.presenceChanged();
    return structuredClone(node);
  }

  /** Live record (mutable) for the method handlers. */
  node(nodeId: string): FakeNode | undefined {
    return this.nodeMap.get(nodeId);
  }

  nodes(): FakeNode[] {
    return [...this.nodeMap.values()].map((node) => structuredClone(node));
  }

  /** Files a node pairing request; an unchanged surface reuses the pending requestId silently. */
  requestNodePairing(input: NodePairingInput): string {
    const caps = [...(input.caps ?? [])];
    const commands = [...input.commands];
    const existingNode = input.nodeId ? this.nodeMap.get(input.nodeId) : undefined;
    const pending = existingNode?.pendingRequestId ? this.requests.get(existingNode.pendingRequestId) : undefined;
    if (pending && sameList(pending.caps, caps) && sameList(pending.commands, commands)) return pending.requestId;
    // A changed surface supersedes the pending request: the live gateway announces that exactly like a rejection
    // (`node.pair.resolved` decision "rejected"), then the newer request.
    if (pending) {
      this.requests.delete(pending.requestId);
      this.emitResolved(pending.requestId, pending.nodeId, 'rejected');
    }
    const node = existingNode ?? this.nodeMap.get(this.addNode({ ...input, approved: false }).nodeId);
    if (!node) throw new Error('node vanished while filing a pairing request');
    const request: NodePairRequest = {
      requestId: input.requestId ?? crypto.randomUUID(),
      nodeId: node.nodeId,
      clientId: 'node-host',
      clientMode: 'node',
      displayName: input.displayName,
      platform: input.platform ?? node.platform,
      version: input.version ?? node.version,
      deviceFamily: node.deviceFamily,
      caps,
      commands,
      requiredApproveScopes: computeRequiredApproveScopes(commands),
      silent: input.silent ?? false,
      ts: this.nowMs(),
    };
    this.requests.set(request.requestId, request);
    node.pendingRequestId = request.requestId;
    node.pendingDeclaredCaps = [...caps];
    node.pendingDeclaredCommands = [...commands];
    node.approvalState = node.approvedAtMs !== undefined ? 'pending-reapproval' : 'pending-approval';
    this.listener.emit('node.pair.requested', { ...request });
    return request.requestId;
  }

  nodeRequest(requestId: string): NodePairRequest | undefined {
    return this.requests.get(requestId);
  }

  pendingNodeRequests(): NodePairRequest[] {
    return [...this.requests.values()].map((request) => structuredClone(request));
  }

  /** Applies the requested surface; emits `node.pair.resolved` and `node.runnerInventory.changed`. */
  approveNodeRequest(requestId: string): FakeNode | undefined {
    const request = this.takeRequest(requestId);
    const node = request ? this.nodeMap.get(request.nodeId) : undefined;
    if (!request || !node) return undefined;
    node.caps = [...request.caps];
    node.commands = [...request.commands];
    node.displayName = request.displayName;
    node.approvalState = 'approved';
    node.approvedAtMs = this.nowMs();
    this.emitResolved(request.requestId, node.nodeId, 'approved');
    this.listener.emit('node.runnerInventory.changed', { nodeId: node.nodeId });
    return node;
  }

  rejectNodeRequest(requestId: string): NodePairRequest | undefined {
    const request = this.takeRequest(requestId);
    if (!request) return undefined;
    const node = this.nodeMap.get(request.nodeId);
    if (node) node.approvalState = node.approvedAtMs !== undefined ? 'approved' : 'unapproved';
    this.emitResolved(request.requestId, request.nodeId, 'rejected');
    return request;
  }

  /** Drops a pending device request without any event (the gateway's ~5 min expiry). Node requests never expire. */
  expireRequest(requestId: string): boolean {
    if (this.requests.has(requestId)) throw new Error('node pairing requests do not expire on the gateway');
    return this.devices.expire(requestId);
  }

  /** Drops a pending node request without any event the bot sees (e.g. resolved while it was disconnected). */
  dropNodeRequestSilently(requestId: string): boolean {
    const request = this.takeRequest(requestId);
    const node = request ? this.nodeMap.get(request.nodeId) : undefined;
    if (node) node.approvalState = node.approvedAtMs !== undefined ? 'approved' : 'unapproved';
    return request !== undefined;
  }

  removeNode(nodeId: string): boolean {
    const node = this.nodeMap.get(nodeId);
    if (!node) return false;
    if (node.pendingRequestId) this.requests.delete(node.pendingRequestId);
    this.nodeMap.delete(nodeId);
    this.emitResolved('', nodeId, 'removed');
    this.listener.emit('node.runnerInventory.changed', { nodeId });
    this.listener.presenceChanged();
    return true;
  }

  setNodeConnected(nodeId: string, connected: boolean): void {
    const node = this.nodeMap.get(nodeId);
    if (!node) throw new Error(`unknown node ${nodeId}`);
    const now = this.nowMs();
    node.connected = connected;
    node.lastSeenAtMs = now;
    node.lastSeenReason = connected ? 'connect' : 'disconnect';
    if (connected) node.connectedAtMs = node.lastConnectedAtMs = now;
    else delete node.connectedAtMs;
    if (connected) this.listener.emit('node.runnerInventory.changed', { nodeId });
    this.listener.presenceChanged();
  }

  private takeRequest(requestId: string): NodePairRequest | undefined {
    const request = this.requests.get(requestId);
    if (!request) return undefined;
    this.requests.delete(requestId);
    const node = this.nodeMap.get(request.nodeId);
    if (node?.pendingRequestId === requestId) {
      delete node.pendingRequestId;
      delete node.pendingDeclaredCaps;
      delete node.pendingDeclaredCommands;
    }
    return request;
  }

  private emitResolved(requestId: string, nodeId: string, decision: string): void {
    this.listener.emit('node.pair.resolved', { requestId, nodeId, decision, ts: this.nowMs() });
  }
}
