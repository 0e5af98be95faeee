/** Waiting on events with a deadline, never by sleeping. */
import type { EventEmitter } from 'node:events';

/** Raised when a fake-side wait passes its deadline. */
export class FakeSlackTimeoutError extends Error {
  override readonly name = 'FakeSlackTimeoutError';
  readonly code = 'FAKE_SLACK_TIMEOUT';
}

/**
 * Resolves with the first non-undefined `check()` result, checked now and after each of `events`;
 * rejects with FakeSlackTimeoutError after `timeoutMs`.
 */
export function waitUntil<T>(
  emitter: EventEmitter,
  events: readonly string[],
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const e of events) emitter.off(e, onEvent);
    };
    const onEvent = (): void => {
      const value = check();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new FakeSlackTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    timer.unref();
    for (const e of events) emitter.on(e, onEvent);
  });
}
