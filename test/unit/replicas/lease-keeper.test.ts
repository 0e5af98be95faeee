import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseKeeper, leaseTiming } from '../../../src/replicas/lease-keeper.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { Lease, LeaseStore } from '../../../src/storage/ports.js';

const TTL_MS = 15_000;
const log = pino({ level: 'silent' });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The memory lease store on the fake clock, with a switch that makes it unreachable. */
function leases(): { store: LeaseStore; setDown(down: boolean): void } {
  const inner = createMemoryStorage({ nowMs: () => Date.now() }).leases as LeaseStore;
  let down = false;
  const guard = <T>(f: () => Promise<T>) => (down ? Promise.reject(new Error('database unreachable')) : f());
  return {
    store: {
      acquire: (...a) => guard(() => inner.acquire(...a)),
      renew: (...a) => guard(() => inner.renew(...a)),
      release: (...a) => guard(() => inner.release(...a)),
      current: (...a) => guard(() => inner.current(...a)),
      fenced: (l) => inner.fenced(l),
    },
    setDown: (d) => (down = d),
  };
}

function keeper(store: LeaseStore, holder: string) {
  const events: string[] = [];
  const k = new LeaseKeeper({
    name: 'gateway:default',
    holder,
    leases: store,
    timing: leaseTiming(TTL_MS),
    log,
    monotonicMs: () => Date.now(),
    onAcquired: (lease: Lease) => {
      events.push(`acquired:${lease.epoch}`);
    },
    onLost: (lease: Lease, reason: string) => {
      events.push(`lost:${lease.epoch}:${reason}`);
    },
  });
  return { k, events };
}

describe('LeaseKeeper', () => {
  it('scales client-go’s numbers to the TTL: renew deadline 2/3, renewal every 1/3, retries at 2/15', () => {
    expect(leaseTiming(15_000)).toEqual({
      ttlMs: 15_000,
      renewDeadlineMs: 10_000,
      renewEveryMs: 5_000,
      retryEveryMs: 2_000,
    });
  });

  it('takes a free lease at once and keeps it by renewing, while a second replica waits', async () => {
    const { store } = leases();
    const a = keeper(store, 'a');
    const b = keeper(store, 'b');
    a.k.start();
    await vi.advanceTimersByTimeAsync(10);
    b.k.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.events).toEqual(['acquired:1']);
    expect(b.events).toEqual([]);
    expect(a.k.owns()).toBe(true);
    expect(b.k.owns()).toBe(false);
    await a.k.stop();
    await b.k.stop();
  });

  it('stops owning at the renew deadline when the store is unreachable, before another replica can take over', async () => {
    const { store, setDown } = leases();
    const a = keeper(store, 'a');
    a.k.start();
    await vi.advanceTimersByTimeAsync(10);
    setDown(true);
    // The last renewal was sent at 5 s at the latest; a gives up 10 s after it, the store lets others in at 15 s.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(a.k.owns()).toBe(false);
    expect(a.events).toEqual(['acquired:1', 'lost:1:not renewed within 10000 ms']);
    setDown(false);
    const b = keeper(store, 'b');
    b.k.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(b.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(6_000);
    // a is back too and retries; exactly one of them holds it now, at a new epoch.
    expect([...a.events, ...b.events].filter((e) => e === 'acquired:2')).toHaveLength(1);
    expect(a.k.owns() !== b.k.owns()).toBe(true);
    await a.k.stop();
    await b.k.stop();
  });

  it('judges ownership by its own clock: after a long pause it owns nothing, even before a timer ran', async () => {
    const { store } = leases();
    const a = keeper(store, 'a');
    a.k.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(a.k.owns()).toBe(true);
    // A paused process: the clock moves on, no timer has fired yet.
    vi.setSystemTime(Date.now() + 20_000);
    expect(a.k.owns()).toBe(false);
    await a.k.stop();
  });

  it('gives the lease up on stop, so another replica takes over without waiting for the TTL', async () => {
    const { store } = leases();
    const a = keeper(store, 'a');
    const b = keeper(store, 'b');
    a.k.start();
    await vi.advanceTimersByTimeAsync(10);
    b.k.start();
    await vi.advanceTimersByTimeAsync(100);
    await a.k.stop();
    expect(a.events).toEqual(['acquired:1', 'lost:1:this process is stopping']);
    await vi.advanceTimersByTimeAsync(2_100);
    expect(b.events).toEqual(['acquired:2']);
    await b.k.stop();
  });
});
