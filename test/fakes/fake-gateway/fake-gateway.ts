import crypto from 'node:crypto';
import type { DevicePairRequest, PairedDevice } from './device-state.js';
import type { ExecDecision, ExecRecord, ExecRequestInput } from './exec-approvals.js';
import {
  closeSessions,
  dropSessions,
  Faults,
  type ResponseDelay,
  sendOversizedToSessions,
  sendRawToSessions,
} from './faults.js';
import type { ErrorShape } from './frames.js';
import { GatewayCore, type ObservedClose, type ReceivedRequest } from './gateway-core.js';
import { createDefaultInvokeHandler, type InvokeHandler } from './node-invoke.js';
import type { SessionInfo } from './session.js';
import {
  type AddNodeInput,
  type FakeNode,
  GatewayState,
  type NodePairingInput,
  type NodePairRequest,
} from './state.js';
import { waitUntil } from './wait.js';

export interface FakeGatewayOptions {
  /** Shared gateway token; with neither token nor password the gateway runs with auth mode `none`. */
  token?: string;
  password?: string;
  /** Scopes granted for the requested ones (default: as requested, like a shared-token session). */
  grantScopes?: (requested: string[]) => string[];
  tickIntervalMs?: number;
  maxPayload?: number;
  maxBufferedBytes?: number;
  nowMs?: () => number;
  /** Unpaired devices get NOT_PAIRED / PAIRING_REQUIRED until approved (remote-client behaviour). */
  requirePairing?: boolean;
  /** Include a per-device `deviceToken` in `hello-ok.auth` (paired-device behaviour). */
  issueDeviceToken?: boolean;
  /** Close sockets that send no `connect` within this time (gateway: ~15 s, code 1000). */
  handshakeTimeoutMs?: number;
  /** Binaries the default `system.which` handler finds. */
  knownBins?: string[];
}

export interface WaitOptions {
  timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 2_000;

/** In-process OpenClaw gateway over real loopback WebSockets, speaking protocol 4 to operators. */
export class FakeGateway {
  readonly state: GatewayState;
  readonly faults = new Faults();
  private readonly core: GatewayCore;
  private readonly nowMs: () => number;
  private globalHandler: InvokeHandler | undefined;
  private readonly nodeHandlers = new Map<string, InvokeHandler>();

  constructor(options: FakeGatewayOptions = {}) {
    const nowMs = options.nowMs ?? Date.now;
    this.nowMs = nowMs;
    this.state = new GatewayState(nowMs, {
      emit: (event, payload) => this.core.broadcast(event, payload),
      presenceChanged: () => this.core.presenceChanged(),
    });
    const fallback = createDefaultInvokeHandler(options.knownBins);
    this.core = new GatewayCore(
      {
        handshake: {
          token: options.token,
          password: options.password,
          requirePairing: options.requirePairing ?? false,
          issueDeviceToken: options.issueDeviceToken ?? false,
          grantScopes: options.grantScopes ?? ((requested) => requested),
        },
        policy: {
          maxPayload: options.maxPayload ?? 26_214_400,
          maxBufferedBytes: options.maxBufferedBytes ?? 52_428_800,
          tickIntervalMs: options.tickIntervalMs ?? 30_000,
        },
        handshakeTimeoutMs: options.handshakeTimeoutMs ?? 15_000,
        nowMs,
      },
      this.state,
      this.faults,
      {
        state: this.state,
        handlerFor: (nodeId) => this.nodeHandlers.get(nodeId) ?? this.globalHandler,
        fallback,
      },
    );
  }

  /** Listens on 127.0.0.1 (`port` 0 = ephemeral; pass the old port to restart in place). */
  async start(options: { port?: number } = {}): Promise<{ url: string }> {
    await this.core.listen(options.port ?? 0);
    return { url: this.url };
  }

  /** Closes every session (default 1012 `service restart`, terminated after `graceMs`) and the listener. */
  async stop(options: { code?: number; reason?: string; graceMs?: number } = {}): Promise<void> {
    await this.core.shutdown(options.code ?? 1012, options.reason ?? 'service restart', options.graceMs ?? 1_000);
  }

  /** Refuses new connections (ECONNREFUSED) while open sessions stay up; resolves when the listener is gone. */
  stopAccepting(): Promise<void> {
    return this.core.stopAccepting();
  }

  get port(): number {
    if (this.core.port === undefined) throw new Error('fake gateway not started');
    return this.core.port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Sessions that completed `hello-ok` and are still open. */
  get connections(): number {
    return [...this.core.sessions].filter((session) => session.phase === 'ready').length;
  }

  /** Every successful handshake so far, oldest first. */
  get hellos(): readonly SessionInfo[] {
    return this.core.hellos;
  }

  /** Every request frame received (including `connect`), oldest first. */
  get received(): readonly ReceivedRequest[] {
    return this.core.received;
  }

  /** Close codes and reasons as the server saw them (4000 from a client watchdog, 1006 on a drop…). */
  get closes(): readonly ObservedClose[] {
    return this.core.closes;
  }

  sessions(): SessionInfo[] {
    return [...this.core.sessions].map((session) => session.info());
  }

  callCount(method: string): number {
    return this.core.received.filter((request) => request.method === method).length;
  }

  /** Resolves with the `count`-th successful handshake (cumulative, default 1). */
  waitForConnection(options: WaitOptions & { count?: number } = {}): Promise<SessionInfo> {
    const count = options.count ?? 1;
    return this.waitFor(() => this.core.hellos[count - 1], options, `handshake #${count}`);
  }

  /** Resolves with the first `method` request at index ≥ `since` of `received`. */
  waitForRequest(method: string, options: WaitOptions & { since?: number } = {}): Promise<ReceivedRequest> {
    const since = options.since ?? 0;
    const probe = (): ReceivedRequest | undefined =>
      this.core.received.slice(since).find((request) => request.method === method);
    return this.waitFor(probe, options, `request ${method}`);
  }

  /** Resolves with the first socket close at index ≥ `since` of `closes`. */
  waitForClose(options: WaitOptions & { since?: number } = {}): Promise<ObservedClose> {
    return this.waitFor(() => this.core.closes[options.since ?? 0], options, 'a socket close');
  }

  // ---- state controls -------------------------------------------------------------------

  addNode(input: AddNodeInput): FakeNode {
    return this.state.addNode(input);
  }

  /** Adds many nodes with one presence broadcast (a plain addNode loop broadcasts all nodes per node: O(n²)). */
  addNodes(inputs: readonly AddNodeInput[]): FakeNode[] {
    return this.state.addNodes(inputs);
  }

  requestNodePairing(input: NodePairingInput): string {
    return this.state.requestNodePairing(input);
  }

  /** Resolves a node request as if approved or rejected elsewhere (CLI); emits `node.pair.resolved`. */
  resolveNodeRequestExternally(requestId: string, decision: 'approved' | 'rejected'): void {
    const resolved =
      decision === 'approved' ? this.state.approveNodeRequest(requestId) : this.state.rejectNodeRequest(requestId);
    if (!resolved) throw new Error(`no pending node request ${requestId}`);
  }

  /** A pending device request vanishes without any event (the gateway's ~5 min expiry; node requests never expire). */
  expireRequest(requestId: string): void {
    if (!this.state.expireRequest(requestId)) throw new Error(`no pending request ${requestId}`);
  }

  /** A pending node request leaves the list without an event the bot sees (decided while it was disconnected). */
  dropNodeRequestSilently(requestId: string): void {
    if (!this.state.dropNodeRequestSilently(requestId)) throw new Error(`no pending node request ${requestId}`);
  }

  /** Files a device pairing request (emits `device.pair.requested`); returns its requestId. */
  requestDevicePairing(
    input: { deviceId?: string; displayName?: string; scopes?: string[]; clientId?: string; clientMode?: string } = {},
  ): string {
    const publicKey = crypto.randomBytes(32);
    const request = this.state.devices.requestPairing({
      deviceId: input.deviceId ?? crypto.createHash('sha256').update(publicKey).digest('hex'),
      publicKey: publicKey.toString('base64url'),
      platform: 'linux',
      clientId: input.clientId ?? 'cli',
      clientMode: input.clientMode ?? 'cli',
      role: 'operator',
      scopes: input.scopes ?? ['operator.read'],
      ...(input.displayName ? { displayName: input.displayName } : {}),
    });
    return request.requestId;
  }

  /** Approves the device's pending requests, or lets it in with any scopes when none is pending. */
  approveDevice(deviceId: string): void {
    this.state.devices.approveDevice(deviceId);
  }

  /** An exec approval request from another client (an agent): only approval routes with operator.admin see it. */
  requestExecApproval(input: ExecRequestInput = {}): ExecRecord {
    return this.state.exec.create(input);
  }

  /** Resolves an exec approval outside the bot (the CLI's resolver name by default). */
  resolveExecApprovalOutside(id: string, decision: ExecDecision, resolvedBy?: string): void {
    this.state.exec.resolveOutside(id, decision, resolvedBy);
  }

  /** Ends an exec approval request by timeout now. */
  expireExecApproval(id: string): void {
    this.state.exec.expire(id);
  }

  execApproval(id: string): ExecRecord | undefined {
    return this.state.exec.get(id);
  }

  setNodeConnected(nodeId: string, connected: boolean): void {
    this.state.setNodeConnected(nodeId, connected);
  }

  /** Sets the invoke handler for one node, or for all nodes without their own. */
  setInvokeHandler(handler: InvokeHandler | undefined, options: { nodeId?: string } = {}): void {
    if (options.nodeId === undefined) this.globalHandler = handler;
    else if (handler) this.nodeHandlers.set(options.nodeId, handler);
    else this.nodeHandlers.delete(options.nodeId);
  }

  nodes(): FakeNode[] {
    return this.state.nodes();
  }

  pendingNodeRequests(): NodePairRequest[] {
    return this.state.pendingNodeRequests();
  }

  pendingDeviceRequests(): DevicePairRequest[] {
    return this.state.devices.pendingRequests();
  }

  pairedDevices(): PairedDevice[] {
    return this.state.devices.pairedDevices();
  }

  /** Pushes any event to the sessions whose scopes may receive it. */
  emitEvent(event: string, payload: unknown): void {
    this.core.broadcast(event, payload);
  }

  // ---- faults ---------------------------------------------------------------------------

  dropConnections(): void {
    dropSessions(this.core.sessions);
  }

  closeAll(code: number, reason = ''): void {
    closeSessions(this.core.sessions, code, reason);
  }

  delayResponses(delay: ResponseDelay): void {
    this.faults.delayResponses(delay);
  }

  pauseTicks(): void {
    this.faults.ticksPaused = true;
  }

  resumeTicks(): void {
    this.faults.ticksPaused = false;
  }

  /** Freezes the gateway: no frames out, incoming frames logged but ignored, pings unanswered. */
  silence(): void {
    this.faults.silenced = true;
  }

  unsilence(): void {
    this.faults.silenced = false;
  }

  sendRaw(text: string): void {
    sendRawToSessions(this.core.sessions, text);
  }

  sendOversized(bytes: number): void {
    sendOversizedToSessions(this.core.sessions, bytes, this.nowMs());
  }

  /** The next event on every open session skips one `seq` number. */
  skipSeq(): void {
    for (const session of this.core.sessions) session.skipNextSeq();
  }

  refuseAuth(times?: number): void {
    this.faults.refuseAuth(times);
  }

  acceptAuth(): void {
    this.faults.acceptAuth();
  }

  failNextConnectWith(error: ErrorShape, closeCode?: number, closeReason?: string): void {
    this.faults.failNextConnectWith(error, closeCode, closeReason);
  }

  private waitFor<T>(probe: () => T | undefined, options: WaitOptions, what: string): Promise<T> {
    return waitUntil(this.core.signals, 'change', probe, options.timeoutMs ?? DEFAULT_WAIT_MS, what);
  }
}
