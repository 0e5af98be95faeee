import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayClosedError, GatewayTimeoutError } from '../../../src/errors.js';
import { PendingRequests } from '../../../src/gateway/pending-requests.js';

describe('PendingRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves by id and ignores a second answer', async () => {
    const pending = new PendingRequests();
    const id = pending.nextId(1);
    const result = pending.add(id, 'node.list', 1000);
    expect(pending.resolve(id, { nodes: [] })).toBe(true);
    expect(pending.resolve(id, { nodes: ['late'] })).toBe(false);
    await expect(result).resolves.toEqual({ nodes: [] });
  });

  it('puts the connection generation in the id', () => {
    const pending = new PendingRequests();
    expect(pending.nextId(3)).toMatch(/^3:/);
    expect(pending.nextId(4)).toMatch(/^4:/);
  });

  it('rejects with a local timeout that says whether the frame was sent, then ignores the late reply', async () => {
    const pending = new PendingRequests();
    const id = pending.nextId(1);
    const result = pending.add(id, 'node.describe', 500);
    pending.markSent(id);
    const assertion = expect(result).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT', sent: true, timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
    await expect(result).rejects.toBeInstanceOf(GatewayTimeoutError);
    expect(pending.resolve(id, {})).toBe(false);
    expect(pending.size).toBe(0);
  });

  it('rejects everything on close and clears the timers', async () => {
    const pending = new PendingRequests();
    const a = pending.add(pending.nextId(1), 'a', 1000);
    const b = pending.add(pending.nextId(1), 'b', 1000);
    pending.rejectAll('connection closed (1006)');
    await expect(a).rejects.toBeInstanceOf(GatewayClosedError);
    await expect(b).rejects.toThrow('b: connection closed (1006)');
    expect(vi.getTimerCount()).toBe(0);
  });
});
