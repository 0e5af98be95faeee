import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Faults } from './faults.js';
import {
  ErrorCodes,
  type ErrorShape,
  GatewayMethodError,
  parseRequestFrame,
  type RequestFrame,
  readFrameId,
} from './frames.js';
import { type HandshakeOptions, verifyConnect } from './handshake.js';
import { buildHelloOk, type GatewayPolicy } from './hello.js';
import { dispatchMethod, FEATURE_METHODS, type MethodContext } from './methods.js';
import type { InvokeRouting } from './node-invoke.js';
import { OperatorPresenceBook } from './presence.js';
import { FEATURE_EVENTS, mayReceiveEvent } from './scopes.js';
import { Session, type SessionInfo } from './session.js';
import type { GatewayState } from './state.js';
import { renderPresence } from './views.js';

/** Transport and dispatch: loopback WebSocket server, handshake, RPC, events and ticks. */

export interface CoreConfig {
  handshake: HandshakeOptions;
  policy: GatewayPolicy;
  handshakeTimeoutMs: number;
  nowMs: () => number;
}

export interface ReceivedRequest {
  connId: string;
  id: string;
  method: string;
  params: unknown;
  atMs: number;
}

export interface ObservedClose {
  connId: string;
  code: number;
  reason: string;
}

export class GatewayCore {
  readonly signals = new EventEmitter();
  readonly received: ReceivedRequest[] = [];
  readonly closes: ObservedClose[] = [];
  readonly hellos: SessionInfo[] = [];
  readonly sessions = new Set<Session>();
  port: number | undefined;
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly operators = new OperatorPresenceBook();
  private readonly stateVersion = { presence: 1, health: 1 };
  private startedAtMs = 0;

  constructor(
    private readonly config: CoreConfig,
    private readonly state: GatewayState,
    private readonly faults: Faults,
    private readonly invoke: InvokeRouting,
  ) {}

  async listen(port: number): Promise<number> {
    if (this.server) throw new Error('fake gateway already listening');
    this.wss ??= new WebSocketServer({ noServer: true, maxPayload: this.config.policy.maxPayload, autoPong: false });
    const wss = this.wss;
    const server = http.createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.startedAtMs = this.config.nowMs();
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(), this.config.policy.tickIntervalMs);
    this.tickTimer.unref();
    return this.port;
  }

  /** Stops listening (new connects are refused); open sessions stay up. */
  stopAccepting(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  async shutdown(code: number, reason: string, graceMs: number): Promise<void> {
    const serverClosed = this.stopAccepting();
    clearInterval(this.tickTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.sessions].map((session) => this.closeAndWait(session, code, reason, graceMs)));
    await serverClosed;
  }

  broadcast(event: string, payload: unknown, withStateVersion = false): void {
    for (const session of this.sessions) {
      if (session.phase !== 'ready' || !session.grant) continue;
      if (!mayReceiveEvent(session.grant.scopes, event, session.grant.caps)) continue;
      session.sendEvent(event, payload, withStateVersion ? this.stateVersion : undefined);
    }
  }

  presenceChanged(): void {
    this.stateVersion.presence += 1;
    this.broadcast('presence', { presence: this.presence() }, true);
  }

  presence(): Record<string, unknown>[] {
    return renderPresence(this.state.nodes(), this.operators.list(), this.startedAtMs);
  }

  closeDeviceSessions(deviceId: string, code: number, reason: string): void {
    for (const session of this.sessions) {
      if (session.grant?.deviceId === deviceId) session.close(code, reason);
    }
  }

  private accept(ws: WebSocket): void {
    const session = new Session(ws, crypto.randomUUID(), crypto.randomUUID(), this.faults);
    this.sessions.add(session);
    ws.on('ping', (data) => {
      if (!this.faults.silenced) ws.pong(data);
    });
    // ws reports protocol violations (e.g. maxPayload) as errors, then closes the socket.
    ws.on('error', () => undefined);
    ws.on('message', (data) => this.onMessage(session, Buffer.isBuffer(data) ? data.toString('utf8') : String(data)));
    ws.on('close', (code, reason) => this.onClose(session, code, reason.toString('utf8')));
    const timer = this.schedule(this.config.handshakeTimeoutMs, () => {
      if (session.phase === 'handshake') session.close(1000, 'handshake timeout');
    });
    ws.once('close', () => this.cancel(timer));
    session.sendChallenge({ nonce: session.nonce, ts: this.config.nowMs(), capabilities: [] });
    this.signals.emit('change');
  }

  private onMessage(session: Session, text: string): void {
    const frame = parseRequestFrame(text);
    if (frame) {
      const { id, method, params } = frame;
      this.received.push({ connId: session.connId, id, method, params, atMs: this.config.nowMs() });
      this.signals.emit('change');
    }
    if (this.faults.silenced) return;
    if (session.phase === 'handshake') this.onHandshake(session, text);
    else if (session.phase === 'ready' && frame) this.onRequest(session, frame);
    else if (session.phase === 'ready') {
      const id = readFrameId(text);
      if (id) session.sendError(id, { code: ErrorCodes.INVALID_REQUEST, message: 'invalid request frame' });
    }
  }

  private onHandshake(session: Session, text: string): void {
    const result = verifyConnect(text, {
      options: this.config.handshake,
      nowMs: this.config.nowMs(),
      nonce: session.nonce,
      devices: this.state.devices,
      takeConnectFailure: () => this.faults.takeConnectFailure(),
      consumeAuthRefusal: () => this.faults.consumeAuthRefusal(),
    });
    if (!result.ok) {
      session.phase = 'closed';
      const { frame, rejection } = result;
      this.respond('connect', () => {
        if (frame && rejection.error) session.sendError(frame.id, rejection.error);
        session.close(rejection.closeCode, rejection.closeReason);
      });
      return;
    }
    session.phase = 'connecting';
    session.grant = result.grant;
    this.respond('connect', () => this.completeHello(session, result.frame));
  }

  private completeHello(session: Session, frame: RequestFrame): void {
    const grant = session.grant;
    if (!session.isOpen || !grant) return;
    const { handshake, policy, nowMs } = this.config;
    const hello = buildHelloOk(grant, {
      connId: session.connId,
      methods: FEATURE_METHODS,
      events: FEATURE_EVENTS,
      presence: this.presence(),
      health: { ok: true, ts: nowMs(), durationMs: 0 },
      stateVersion: { ...this.stateVersion },
      uptimeMs: Math.max(0, nowMs() - this.startedAtMs),
      authMode: handshake.token !== undefined ? 'token' : handshake.password !== undefined ? 'password' : 'none',
      policy,
    });
    session.phase = 'ready';
    session.sendResult(frame.id, hello);
    this.hellos.push(session.info());
    if (this.operators.record(session, true, nowMs())) this.presenceChanged();
    this.signals.emit('change');
  }

  private onRequest(session: Session, frame: RequestFrame): void {
    const ctx = {
      ...this.methodContext(session),
      // A second `res` with the same id (exec.approval.request with twoPhase sends the decision this way).
      replyAgain: (payload: unknown) => this.respond(frame.method, () => session.sendResult(frame.id, payload)),
    };
    dispatchMethod(frame.method, frame.params, ctx).then(
      (payload) => this.respond(frame.method, () => session.sendResult(frame.id, payload)),
      (err: unknown) => this.respond(frame.method, () => session.sendError(frame.id, toErrorShape(err))),
    );
  }

  private methodContext(session: Session): MethodContext {
    return {
      scopes: session.grant?.scopes ?? [],
      displayName: session.grant?.client.displayName ?? session.grant?.client.id ?? 'operator',
      state: this.state,
      nowMs: this.config.nowMs(),
      presence: () => this.presence(),
      invoke: this.invoke,
      isDeviceConnected: (deviceId) =>
        [...this.sessions].some((s) => s.phase === 'ready' && s.grant?.deviceId === deviceId),
      closeDeviceSessions: (deviceId, code, reason) => this.closeDeviceSessions(deviceId, code, reason),
      hasApprovalRoute: () =>
        [...this.sessions].some(
          (s) =>
            s.phase === 'ready' &&
            (s.grant?.caps.includes('approvals') || s.grant?.caps.includes('exec-approvals')) &&
            s.grant?.scopes.includes('operator.admin'),
        ),
      replyAgain: () => undefined,
    };
  }

  /** Sends now, or after the cued response delay for `method`. */
  private respond(method: string, send: () => void): void {
    const delayMs = this.faults.responseDelayMs(method);
    if (delayMs === 0) send();
    else this.schedule(delayMs, send);
  }

  private onClose(session: Session, code: number, reason: string): void {
    const wasReady = session.phase === 'ready';
    session.phase = 'closed';
    this.sessions.delete(session);
    this.closes.push({ connId: session.connId, code, reason });
    if (wasReady && this.operators.record(session, false, this.config.nowMs())) this.presenceChanged();
    this.signals.emit('change');
  }

  private tick(): void {
    if (!this.faults.ticksPaused) this.broadcast('tick', { ts: this.config.nowMs() });
  }

  private schedule(delayMs: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private closeAndWait(session: Session, code: number, reason: string, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (!session.isOpen && session.ws.readyState !== session.ws.CLOSING) return resolve();
      const timer = setTimeout(() => session.terminate(), graceMs);
      timer.unref();
      session.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      session.close(code, reason);
    });
  }
}

function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof GatewayMethodError) return err.shape;
  return { code: ErrorCodes.UNAVAILABLE, message: err instanceof Error ? err.message : String(err) };
}
