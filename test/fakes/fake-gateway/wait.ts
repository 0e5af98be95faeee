import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first defined value of `probe`, checked now and after every `event` on
 * `emitter`; rejects once `timeoutMs` passes. Never polls or sleeps.
 */
export function waitUntil<T>(
  emitter: EventEmitter,
  event: string,
  probe: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const ready = probe();
  if (ready !== undefined) return Promise.resolve(ready);
  return new Promise<T>((resolve, reject) => {
    const onEvent = (): void => {
      const value = probe();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    timer.unref();
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
  });
}
