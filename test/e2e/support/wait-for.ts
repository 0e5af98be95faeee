/** Options for {@link waitFor}: a hard deadline, a poll interval and words for the timeout message. */
export interface WaitForOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly description?: string;
}

/** Thrown when the deadline of {@link waitFor} passes; carries the last value the predicate returned. */
export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
  readonly code = 'WAIT_FOR_TIMEOUT';
  constructor(
    message: string,
    readonly lastValue: unknown,
  ) {
    super(message);
  }
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.slice(0, 2_000);
}

/**
 * Polls `predicate` until it returns a truthy value (which is returned) or `timeoutMs` passes.
 * The predicate is always tried at least once; an error it throws ends the wait at once.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions): Promise<Truthy<T>> {
  const { timeoutMs, intervalMs = 250, description = 'condition' } = options;
  const startedMs = Date.now();
  const deadlineMs = startedMs + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as Truthy<T>;
    const remainingMs = deadlineMs - Date.now();
    if (remainingMs <= 0) {
      throw new WaitForTimeoutError(
        `waitFor timed out after ${Date.now() - startedMs} ms: ${description} (last value: ${describeValue(value)})`,
        value,
      );
    }
    await new Promise<void>((done) => setTimeout(done, Math.min(intervalMs, remainingMs)).unref());
  }
}
