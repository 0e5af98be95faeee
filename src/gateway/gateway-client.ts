import type { Logger } from 'pino';
import WebSocket from 'ws';
import {
  AppError,
  ErrorCode,
  GatewayClosedError,
  type GatewayErrorShape,
  GatewayRequestError,
  GatewaySchemaError,
} from '../errors.js';
import { FailureLog, rejectionOf } from './connect-failures.js';
import { buildConnectParams, type DeviceSigner, type GatewayAuth } from './connect-params.js';
import { EventBus, type EventHandler, type ResyncReason } from './event-bus.js';
import { ChallengeSchema, formatIssues, type HelloOk, HelloOkSchema, InboundFrameSchema } from './frames.js';
import { Keepalive } from './keepalive.js';
import { PendingRequests } from './pending-requests.js';
import { type ConnectFailure, decideReconnect, type ReconnectDecision } from './reconnect-policy.js';
import { type ReachabilityProbe, ReconnectScheduler } from './reconnect-scheduler.js';
import { type ConnectionState, type GatewayStatus, SessionStatus, scopeShortfall } from './session-status.js';

const DEFAULT_TICK_INTERVAL_MS = 30_000;
const INBOUND_MAX_PAYLOAD = 64 * 1024 * 1024;

export type { ConnectionState, GatewayStatus } from './session-status.js';

export interface GatewayClientOptions {
  url: string;
  auth: GatewayAuth;
  scopes: readonly string[];
  /** Capabilities declared at connect (`approvals`: this session is an exec approval route). */
  caps?: readonly string[];
  displayName: string;
  signer: DeviceSigner;
  log: Logger;
  version?: string;
  platform?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  createSocket?: (url: string) => WebSocket;
  /** Cheap reachability check used to reconnect early once a lost gateway is back (default: TCP connect). */
  probe?: ReachabilityProbe;
  nowMs?: () => number;
  random?: () => number;
}

/** An operator session to an OpenClaw gateway: handshake, requests with deadlines, events, keepalive, reconnect. */
export class GatewayClient {
  private readonly pending = new PendingRequests();
  private readonly bus: EventBus;
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private socket: WebSocket | undefined;
  private generation = 0;
  private attempt = 0;
  private deviceTokenRetryUsed = false;
  private useDeviceTokenNext = false;
  private failure: ConnectFailure | undefined;
  private decisionOverride: ReconnectDecision | undefined;
  private hello: HelloOk | undefined;
  private readonly reconnects: ReconnectScheduler;
  private challengeTimer: NodeJS.Timeout | undefined;
  private readonly keepalive: Keepalive;
  private readonly failureLog: FailureLog;
  private warnedScopes = false;
  private hadSession = false;
  private readonly session: SessionStatus;

  constructor(private readonly options: GatewayClientOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.random = options.random ?? Math.random;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.reconnects = new ReconnectScheduler(options.url, options.probe);
    this.bus = new EventBus(options.log);
    this.keepalive = new Keepalive(this.nowMs);
    this.failureLog = new FailureLog(options.log);
    this.session = new SessionStatus(this.nowMs);
  }

  /** The session's mutable status (only this client writes it). */
  private get status(): GatewayStatus {
    return this.session.current;
  }

  /** Starts connecting; returns at once. The session then keeps itself up until `stop()`. */
  start(): void {
    if (this.status.state !== 'idle' && this.status.state !== 'stopped') return;
    this.open('connecting');
  }

  /** Closes the session for good and rejects everything pending. */
  async stop(): Promise<void> {
    this.setState('stopped');
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.pending.rejectAll('client stopped');
    if (socket) await closeSocket(socket, 'client stopping', 2_000);
  }

  /** Current session status (copy). */
  getStatus(): GatewayStatus {
    return this.session.snapshot();
  }

  /** True when the session is up and requests can be sent. */
  get isConnected(): boolean {
    return this.status.state === 'connected';
  }

  /** Scopes the gateway actually granted (`hello-ok.auth.scopes`). */
  get grantedScopes(): readonly string[] {
    return this.status.grantedScopes;
  }

  /** Subscribes to one event name (or `*` for all); returns the unsubscribe function. */
  on(event: string, handler: EventHandler): () => void {
    return this.bus.on(event, handler);
  }

  /** Called after every hello-ok and on a sequence gap: consumers re-read state then. */
  onResync(handler: (reason: ResyncReason) => void): () => void {
    return this.bus.onResync(handler);
  }

  /** Called on every state change. */
  onStateChange(handler: (status: GatewayStatus) => void): () => void {
    return this.session.onChange(handler);
  }

  /** Resolves when connected (or rejects after `timeoutMs`). */
  waitUntilConnected(timeoutMs: number): Promise<void> {
    return this.session.waitUntilConnected(timeoutMs);
  }

  /** Sends one RPC and resolves with its payload; throws typed errors (rejection, timeout, closed, too large). */
  async request(method: string, params: unknown = {}, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    const socket = this.socket;
    if (!socket || !this.isConnected) {
      throw new GatewayClosedError(
        method,
        `gateway session is not connected (${this.describeState()})`,
        ErrorCode.NOT_CONNECTED,
      );
    }
    return this.send(socket, method, params, opts.timeoutMs ?? this.requestTimeoutMs);
  }

  /** Human summary of the state, e.g. "reconnecting since 14:02:11 (last error: …)". */
  describeState(): string {
    return this.session.describe();
  }

  private send(socket: WebSocket, method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.pending.nextId(this.generation);
    const frame = JSON.stringify({ type: 'req', id, method, params });
    const maxPayload = this.hello?.policy.maxPayload;
    if (maxPayload !== undefined && Buffer.byteLength(frame) > maxPayload) {
      return Promise.reject(
        new AppError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `${method}: request is larger than the gateway's maxPayload (${maxPayload} bytes)`,
        ),
      );
    }
    const result = this.pending.add(id, method, timeoutMs);
    socket.send(frame, (err) => {
      if (err) this.pending.reject(id, new GatewayClosedError(method, `send failed: ${err.message}`));
    });
    this.pending.markSent(id);
    return result;
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.clearTimers();
    this.generation += 1;
    this.failure = undefined;
    this.decisionOverride = undefined;
    this.hello = undefined;
    this.bus.resetSequence();
    this.setState(state);
    const create =
      this.options.createSocket ?? ((url: string) => new WebSocket(url, { maxPayload: INBOUND_MAX_PAYLOAD }));
    const socket = create(this.options.url);
    this.socket = socket;
    const generation = this.generation;
    this.challengeTimer = setTimeout(() => socket.close(1008, 'connect challenge timeout'), this.connectTimeoutMs);
    this.challengeTimer.unref();
    socket.on('message', (data) => {
      if (generation === this.generation) this.onMessage(socket, String(data));
    });
    socket.on('error', (err) => {
      if (generation === this.generation) this.status.lastError = err.message;
    });
    socket.on('close', (code, reason) => {
      if (generation === this.generation) this.onClose(code, reason.toString());
    });
  }

  private onMessage(socket: WebSocket, text: string): void {
    this.status.lastFrameAtMs = this.nowMs();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.options.log.warn({ bytes: text.length }, 'ignoring a gateway frame that is not JSON');
      return;
    }
    const parsed = InboundFrameSchema.safeParse(json);
    if (!parsed.success) {
      this.options.log.warn({ issues: formatIssues(parsed.error) }, 'ignoring a gateway frame that failed its schema');
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'res') {
      const ok = frame.ok
        ? this.pending.resolve(frame.id, frame.payload)
        : this.pending.reject(frame.id, this.toRequestError(frame.id, frame.error));
      if (!ok) this.options.log.debug({ id: frame.id }, 'ignoring a reply nobody waits for');
      return;
    }
    if (frame.event === 'connect.challenge' && !this.hello) {
      void this.handshake(socket, frame.payload);
      return;
    }
    this.bus.receive(frame);
  }

  /** `error` already passed the frame schema; a failed response without one still becomes a typed error. */
  private toRequestError(id: string, error: GatewayErrorShape | undefined): GatewayRequestError {
    const method = this.pending.methodOf(id) ?? 'unknown';
    return new GatewayRequestError(method, error ?? { code: 'UNKNOWN', message: 'the gateway gave no error details' });
  }

  private async handshake(socket: WebSocket, payload: unknown): Promise<void> {
    const challenge = ChallengeSchema.safeParse(payload);
    if (!challenge.success) {
      socket.close(1008, 'bad connect challenge');
      return;
    }
    clearTimeout(this.challengeTimer);
    const params = buildConnectParams({
      auth: this.options.auth,
      scopes: this.options.scopes,
      caps: this.options.caps ?? [],
      displayName: this.options.displayName,
      version: this.options.version ?? '0.1.0',
      platform: this.options.platform ?? process.platform,
      signer: this.options.signer,
      challenge: challenge.data,
      withDeviceToken: this.useDeviceTokenNext,
    });
    this.useDeviceTokenNext = false;
    try {
      const result = await this.send(socket, 'connect', params, this.connectTimeoutMs);
      await this.onHello(socket, result);
    } catch (err) {
      this.onConnectError(socket, err);
    }
  }

  private async onHello(socket: WebSocket, payload: unknown): Promise<void> {
    const parsed = HelloOkSchema.safeParse(payload);
    if (!parsed.success) throw new GatewaySchemaError('hello-ok', formatIssues(parsed.error));
    const hello = parsed.data;
    this.hello = hello;
    if (hello.auth.deviceToken) await this.options.signer.setDeviceToken(hello.auth.deviceToken);
    if (socket !== this.socket) return;
    const wasReconnect = this.status.reconnects > 0 || this.attempt > 0;
    this.attempt = 0;
    this.deviceTokenRetryUsed = false;
    this.failureLog.reset();
    this.session.recordHello(hello.auth.scopes, hello.server.version);
    this.hadSession = true;
    this.startKeepalive(socket, hello.policy.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS);
    this.warnIfScopesNarrower(hello.auth.scopes);
    const { version: server } = hello.server;
    const context = { server, scopes: hello.auth.scopes, authMethod: hello.auth.method, reconnect: wasReconnect };
    this.options.log.info(context, 'gateway session established');
    this.setState('connected');
    this.bus.resync('connected');
  }

  private warnIfScopesNarrower(granted: readonly string[]): void {
    const warning = scopeShortfall(this.options.scopes, granted);
    if (!warning || this.warnedScopes) return;
    this.warnedScopes = true;
    this.options.log.warn({ asked: this.options.scopes, granted }, warning);
  }

  private onConnectError(socket: WebSocket, err: unknown): void {
    if (err instanceof GatewayRequestError) this.failure = rejectionOf(err);
    this.status.lastError = err instanceof Error ? err.message : String(err);
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(err instanceof GatewayRequestError ? 1000 : 4000, 'connect failed');
    }
  }

  private startKeepalive(socket: WebSocket, tickIntervalMs: number): void {
    this.keepalive.start(
      tickIntervalMs,
      () => this.status.lastFrameAtMs,
      (silentMs) => {
        this.options.log.warn({ silentMs, tickIntervalMs }, 'gateway went silent: reconnecting');
        this.status.lastError = `no frame from the gateway for ${silentMs} ms`;
        socket.close(4000, 'tick timeout');
        // A half-open TCP connection may never deliver the close handshake.
        setTimeout(() => socket.terminate(), 1_000).unref();
      },
    );
  }

  private onClose(code: number, reason: string): void {
    this.clearTimers();
    this.socket = undefined;
    this.pending.rejectAll(`connection closed (${code}${reason ? ` ${reason}` : ''})`);
    if (this.status.state === 'stopped') return;
    const wasConnected = this.status.state === 'connected';
    if (wasConnected) this.status.reconnects += 1;
    const failure = this.failure ?? { kind: 'closed', closeCode: code };
    if (!this.failure && !this.status.lastError) this.status.lastError = `connection closed (${code})`;
    const decision =
      this.decisionOverride ??
      decideReconnect({
        attempt: wasConnected ? 0 : this.attempt,
        failure,
        hasDeviceToken: this.options.signer.deviceToken !== undefined,
        deviceTokenRetryUsed: this.deviceTokenRetryUsed,
        random: this.random,
      });
    const everConnected = this.hadSession;
    this.failureLog.report(failure, decision, {
      url: this.options.url,
      everConnected,
      lastError: this.status.lastError,
    });
    if (decision.clearDeviceToken) {
      this.options.signer
        .setDeviceToken(undefined)
        .catch((err: unknown) => this.options.log.error({ err }, 'could not clear the revoked device token'));
    }
    if (decision.action === 'pause') {
      this.status.pause = { reason: decision.reason, hint: decision.hint };
      this.setState('paused');
      return;
    }
    if (decision.useDeviceToken) {
      this.deviceTokenRetryUsed = true;
      this.useDeviceTokenNext = true;
    }
    this.attempt = wasConnected ? 1 : this.attempt + 1;
    this.setState('reconnecting');
    this.reconnects.schedule(decision.delayMs, failure.kind === 'closed', () => this.open('reconnecting'));
  }

  private setState(state: ConnectionState): void {
    this.session.setState(state);
  }

  private clearTimers(): void {
    this.reconnects.cancel();
    clearTimeout(this.challengeTimer);
    this.keepalive.stop();
  }
}

/** Closes `socket` cleanly (1000), terminating it when no close handshake comes back within `graceMs`. */
function closeSocket(socket: WebSocket, reason: string, graceMs: number): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, graceMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1000, reason);
  });
}
