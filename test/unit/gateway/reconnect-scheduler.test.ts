import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectScheduler } from '../../../src/gateway/reconnect-scheduler.js';

describe('ReconnectScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconnects after the backoff delay when nothing answers', async () => {
    const reconnect = vi.fn();
    const scheduler = new ReconnectScheduler('ws://127.0.0.1:1', async () => false);
    scheduler.schedule(30_000, true, reconnect);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(reconnect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('reconnects early, once, as soon as a probe finds the gateway back', async () => {
    const reconnect = vi.fn();
    let up = false;
    const scheduler = new ReconnectScheduler('ws://127.0.0.1:1', async () => up);
    scheduler.schedule(30_000, true, reconnect);
    await vi.advanceTimersByTimeAsync(4_500);
    expect(reconnect).not.toHaveBeenCalled();
    up = true;
    await vi.advanceTimersByTimeAsync(1_500);
    expect(reconnect).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('does not probe when told not to (auth and pairing waits)', async () => {
    const probe = vi.fn(async () => true);
    const scheduler = new ReconnectScheduler('ws://127.0.0.1:1', probe);
    scheduler.schedule(30_000, false, () => {});
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).not.toHaveBeenCalled();
    scheduler.cancel();
  });
});
