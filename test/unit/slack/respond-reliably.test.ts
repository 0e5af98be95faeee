import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { respondReliably } from '../../../src/slack/respond-reliably.js';

const log = pino({ level: 'silent' });

/** A fetch that answers with the given statuses in turn and records when it was called. */
function scriptedFetch(...answers: { status: number; retryAfter?: string }[]) {
  const calls: number[] = [];
  const fetchFn = (async () => {
    calls.push(Date.now());
    const a = answers.shift() ?? { status: 200 };
    if (a.status === 0) throw new TypeError('fetch failed: socket hang up');
    return new Response(null, { status: a.status, headers: a.retryAfter ? { 'retry-after': a.retryAfter } : {} });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('respondReliably', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits Retry-After after a 429 before trying again', async () => {
    const { fetchFn, calls } = scriptedFetch({ status: 429, retryAfter: '3' }, { status: 200 });
    const done = respondReliably('http://x/response', { text: 'hi' }, log, { fetchFn });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe(true);
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBe(3_000);
  });

  it('retries 5xx and dropped connections with backoff', async () => {
    const { fetchFn, calls } = scriptedFetch({ status: 500 }, { status: 0 }, { status: 200 });
    const done = respondReliably('http://x/response', { text: 'hi' }, log, { fetchFn, firstDelayMs: 100 });
    await vi.advanceTimersByTimeAsync(300);
    await expect(done).resolves.toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('gives up at once on a used-up or expired response_url', async () => {
    const { fetchFn, calls } = scriptedFetch({ status: 404 });
    await expect(respondReliably('http://x/response', { text: 'hi' }, log, { fetchFn })).resolves.toBe(false);
    expect(calls).toHaveLength(1);
  });
});
