import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { GatewayClient } from '../../../src/gateway/gateway-client.js';

/** Just enough of a ws WebSocket for the client: frames in and out, close and terminate. */
class ScriptedSocket extends EventEmitter {
  readyState = 1;
  readonly sent: { id: string; method: string }[] = [];
  closedWith: { code: number; reason: string } | undefined;
  send(data: string, cb?: (err?: Error) => void): void {
    this.sent.push(JSON.parse(data) as { id: string; method: string });
    cb?.();
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.finish(code);
  }
  terminate(): void {
    this.finish(1006);
  }
  /** The gateway speaks: a frame as JSON text. */
  frame(value: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(value)));
  }
  private finish(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.emit('close', code, Buffer.from('')));
  }
}

const signer = {
  deviceId: 'd'.repeat(64),
  deviceToken: undefined,
  sign: () => ({ id: 'd'.repeat(64), publicKey: 'pk', signature: 'sig', signedAt: 1, nonce: 'n' }),
  setDeviceToken: async () => {},
};

function setup(tickIntervalMs: number) {
  const sockets: ScriptedSocket[] = [];
  const client = new GatewayClient({
    url: 'ws://127.0.0.1:1',
    auth: { token: 't' },
    scopes: ['operator.read'],
    displayName: 'timers',
    signer,
    log: pino({ level: 'silent' }),
    random: () => 0.5,
    probe: async () => false,
    createSocket: () => {
      const socket = new ScriptedSocket();
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
  });
  /** Runs the handshake on the newest socket. */
  const handshake = async () => {
    const socket = sockets.at(-1) as ScriptedSocket;
    socket.frame({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: Date.now() } });
    await vi.advanceTimersByTimeAsync(0);
    const connect = socket.sent.find((f) => f.method === 'connect');
    socket.frame({
      type: 'res',
      id: connect?.id,
      ok: true,
      payload: {
        type: 'hello-ok',
        protocol: 4,
        server: { version: 'x' },
        auth: { scopes: ['operator.read'] },
        policy: { tickIntervalMs },
      },
    });
    await vi.advanceTimersByTimeAsync(0);
  };
  return { client, sockets, handshake };
}

describe('GatewayClient timers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('closes with "tick timeout" after twice the tick interval of silence, not before', async () => {
    const { client, sockets, handshake } = setup(1_000);
    client.start();
    await handshake();
    expect(client.isConnected).toBe(true);
    sockets[0]?.frame({ type: 'event', event: 'tick', payload: {} });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sockets[0]?.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets[0]?.closedWith).toEqual({ code: 4000, reason: 'tick timeout' });
    await client.stop();
  });

  it('reconnects with backoff 1 s, 2 s, 4 s … and resets it after hello-ok', async () => {
    const { client, sockets, handshake } = setup(30_000);
    client.start();
    sockets[0]?.terminate(); // refused before any hello
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    sockets[1]?.terminate();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    await handshake();
    sockets[2]?.terminate(); // a drop after a good session starts over at 1 s
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets).toHaveLength(4);
    await client.stop();
  });

  it('rejects a request at its deadline and ignores the late answer', async () => {
    const { client, sockets, handshake } = setup(30_000);
    client.start();
    await handshake();
    const pending = client.request('node.list', {}, { timeoutMs: 5_000 });
    const outcome = expect(pending).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT', sent: true });
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    const frame = sockets[0]?.sent.find((f) => f.method === 'node.list');
    sockets[0]?.frame({ type: 'res', id: frame?.id, ok: true, payload: { nodes: [] } });
    expect(client.isConnected).toBe(true);
    await client.stop();
  });
});
