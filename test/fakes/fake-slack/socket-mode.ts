/**
 * Socket Mode endpoint (reference §6): single-use `apps.connections.open` tickets, `hello` first,
 * envelopes routed to a random open connection, acks with the matching envelope_id within the deadline.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { isRecord } from './block-kit-checks.js';
import type { SlackStore } from './store.js';
import type { JsonObject } from './types.js';
import { waitUntil } from './waiter.js';

/** Most concurrent connections Slack allows per app. */
export const MAX_SOCKET_CONNECTIONS = 10;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled';

/** The outcome of one envelope: acked in time (with its ack payload) or not. */
export interface EnvelopeResult {
  readonly envelopeId: string;
  readonly acked: boolean;
  readonly ackMs: number;
  readonly ackPayload: JsonObject | undefined;
}

export interface SocketModeDeps {
  readonly store: SlackStore;
  readonly appId: string;
  readonly ackTimeoutMs: number;
  readonly random: () => number;
}

interface Pending {
  readonly startedMs: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (result: EnvelopeResult) => void;
}

export class SocketModeServer {
  /** Emits `connections` whenever one opens or closes. */
  readonly events = new EventEmitter();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private readonly expired = new Set<string>();

  constructor(private readonly deps: SocketModeDeps) {}

  get connectionCount(): number {
    return this.open.size;
  }

  /** apps.connections.open: a single-use ws:// URL to this server. */
  mintUrl(wsBaseUrl: string): JsonObject {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { ok: true, url: `${wsBaseUrl}link/?ticket=${ticket}&app_id=${this.deps.appId}` };
  }

  /** Takes an HTTP upgrade on `/link/`; refuses unknown or reused tickets and an 11th connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      refuse('401 Unauthorized');
      return;
    }
    if (this.open.size >= MAX_SOCKET_CONNECTIONS) {
      this.deps.store.warn('apps.connections.open', 'too_many_websockets');
      refuse('429 Too Many Requests');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.open.add(ws);
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? '' : data.toString()));
    ws.on('close', () => {
      this.open.delete(ws);
      this.events.emit('connections');
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.size,
        connection_info: { app_id: this.deps.appId },
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 3600 },
      }),
    );
    this.events.emit('connections');
  }

  private onFrame(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.deps.store.recordFailure('bad_ack_frame', `not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const id = isRecord(frame) && typeof frame.envelope_id === 'string' ? frame.envelope_id : undefined;
    if (!isRecord(frame) || id === undefined) {
      this.deps.store.recordFailure('bad_ack_frame', `no envelope_id: ${text.slice(0, 200)}`);
      return;
    }
    const pending = this.pending.get(id);
    if (!pending) {
      const kind = this.expired.has(id) ? 'late_ack' : 'unknown_envelope';
      this.deps.store.recordFailure(kind, `ack for envelope ${id}`);
      return;
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const ackMs = performance.now() - pending.startedMs;
    if (ackMs > this.deps.ackTimeoutMs) {
      this.deps.store.recordFailure('late_ack', `envelope ${id} acked after ${Math.round(ackMs)} ms`);
    }
    const ackPayload = isRecord(frame.payload) ? frame.payload : undefined;
    pending.resolve({ envelopeId: id, acked: ackMs <= this.deps.ackTimeoutMs, ackMs, ackPayload });
  }

  /** Sends one envelope to a random open connection and resolves when it is acked or its deadline passes. */
  deliver(type: EnvelopeType, payload: JsonObject, acceptsResponsePayload: boolean): Promise<EnvelopeResult> {
    const sockets = [...this.open];
    const ws = sockets[Math.floor(this.deps.random() * sockets.length)];
    if (!ws) return Promise.reject(new Error('no Socket Mode connection is open'));
    const envelopeId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        this.expired.add(envelopeId);
        this.deps.store.recordFailure(
          'missing_ack',
          `envelope ${envelopeId} (${type}) not acked within ${this.deps.ackTimeoutMs} ms`,
        );
        resolve({ envelopeId, acked: false, ackMs: Number.POSITIVE_INFINITY, ackPayload: undefined });
      }, this.deps.ackTimeoutMs);
      timer.unref();
      this.pending.set(envelopeId, { startedMs: performance.now(), timer, resolve });
      // Events carry their retry count (0: first delivery), as Slack's events_api envelopes do.
      const retry = type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {};
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          accepts_response_payload: acceptsResponsePayload,
          payload,
          ...retry,
        }),
      );
    });
  }

  /** Sends a `disconnect` message to every open connection (the client then closes and reconnects). */
  disconnect(reason: DisconnectReason): void {
    const frame = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } });
    for (const ws of this.open) ws.send(frame);
  }

  /** Resolves once at least `count` connections are open. */
  waitForConnections(count: number, timeoutMs: number): Promise<number> {
    const check = () => (this.open.size >= count ? this.open.size : undefined);
    return waitUntil(this.events, ['connections'], check, timeoutMs, `${count} Socket Mode connection(s)`);
  }

  /** Closes every connection; pending envelopes resolve as not acked, without recording failures. */
  async close(): Promise<void> {
    for (const [envelopeId, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ envelopeId, acked: false, ackMs: Number.POSITIVE_INFINITY, ackPayload: undefined });
    }
    this.pending.clear();
    for (const ws of this.open) ws.terminate();
    this.open.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
