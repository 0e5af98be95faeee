import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { buildOperatorConnectParams, type OperatorConnectOptions } from './device-signing.js';
import { waitUntil } from './wait.js';

/** A deliberately dumb protocol client over `ws`, for tests of the fake itself. */

export interface RawError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
}

export interface RawResponse {
  type: 'res';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: RawError;
}

export interface RawEvent {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

export type RawFrame = RawResponse | RawEvent | { type: 'unparsable'; text: string };

export interface Challenge {
  nonce: string;
  ts: number;
}

const DEFAULT_WAIT_MS = 2_000;

function parseFrame(text: string): RawFrame {
  try {
    return JSON.parse(text) as RawFrame;
  } catch {
    return { type: 'unparsable', text };
  }
}

export class RawGatewayClient {
  readonly frames: RawFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly signals = new EventEmitter();
  private nextId = 1;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(parseFrame(String(data)));
      this.signals.emit('change');
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.signals.emit('change');
    });
    ws.on('error', () => undefined);
  }

  /** Opens a socket; resolves once it is open (the challenge may already be buffered). */
  static async open(url: string, wsOptions: WebSocket.ClientOptions = {}): Promise<RawGatewayClient> {
    const ws = new WebSocket(url, wsOptions);
    const client = new RawGatewayClient(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not open ${url}`)), DEFAULT_WAIT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return client;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request and resolves with its response. */
  async request(method: string, params?: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<RawResponse> {
    const id = `${this.nextId++}:raw`;
    this.send(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params });
    return this.waitForResponse(id, timeoutMs);
  }

  waitForResponse(id: string, timeoutMs = DEFAULT_WAIT_MS): Promise<RawResponse> {
    const probe = (): RawResponse | undefined =>
      this.frames.find((frame): frame is RawResponse => frame.type === 'res' && frame.id === id);
    return waitUntil(this.signals, 'change', probe, timeoutMs, `response ${id}`);
  }

  /** The first `event` frame at index ≥ `since` of `frames`. */
  waitForEvent(event: string, options: { since?: number; timeoutMs?: number } = {}): Promise<RawEvent> {
    const probe = (): RawEvent | undefined =>
      this.frames
        .slice(options.since ?? 0)
        .find((frame): frame is RawEvent => frame.type === 'event' && frame.event === event);
    return waitUntil(this.signals, 'change', probe, options.timeoutMs ?? DEFAULT_WAIT_MS, `event ${event}`);
  }

  events(event: string): RawEvent[] {
    return this.frames.filter((frame): frame is RawEvent => frame.type === 'event' && frame.event === event);
  }

  async challenge(timeoutMs = DEFAULT_WAIT_MS): Promise<Challenge> {
    const frame = await this.waitForEvent('connect.challenge', { timeoutMs });
    return frame.payload as Challenge;
  }

  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<{ code: number; reason: string }> {
    return waitUntil(this.signals, 'change', () => this.closed, timeoutMs, 'socket close');
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }
}

export type ConnectOptions = Omit<OperatorConnectOptions, 'nonce' | 'signedAtMs'> & {
  /** Signing time from the challenge time (default: the challenge `ts`). */
  signedAt?: (challengeTs: number) => number;
};

/** Opens a socket, answers the challenge with a signed operator `connect`, returns the response. */
export async function connectOperator(
  url: string,
  options: ConnectOptions,
  wsOptions: WebSocket.ClientOptions = {},
): Promise<{ client: RawGatewayClient; response: RawResponse }> {
  const client = await RawGatewayClient.open(url, wsOptions);
  const challenge = await client.challenge();
  const { signedAt, ...rest } = options;
  const params = buildOperatorConnectParams({
    ...rest,
    nonce: challenge.nonce,
    signedAtMs: signedAt ? signedAt(challenge.ts) : challenge.ts,
  });
  const response = await client.request('connect', params);
  return { client, response };
}
