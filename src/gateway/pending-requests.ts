import { GatewayClosedError, GatewayTimeoutError } from '../errors.js';

interface Entry {
  method: string;
  sent: boolean;
  timer: NodeJS.Timeout;
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
}

/** Correlates request ids with answers; every entry has a deadline and is retired before it settles. */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Mints an id carrying the connection generation, so answers from an older socket never match. */
  nextId(generation: number): string {
    this.counter += 1;
    return `${generation}:${this.counter}`;
  }

  /** Registers `id` and returns the promise of its payload; rejects with GatewayTimeoutError after `timeoutMs`. */
  add(id: string, method: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const entry = this.take(id);
        entry?.reject(new GatewayTimeoutError(method, timeoutMs, entry.sent));
      }, timeoutMs);
      timer.unref?.();
      this.entries.set(id, { method, sent: false, timer, resolve, reject });
    });
  }

  /** The method of a pending id, for error messages. */
  methodOf(id: string): string | undefined {
    return this.entries.get(id)?.method;
  }

  /** Marks the frame as written to the socket (for timeout reporting). */
  markSent(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.sent = true;
  }

  /** Settles `id` with a payload; returns false when nothing waits for it (late or foreign reply). */
  resolve(id: string, payload: unknown): boolean {
    const entry = this.take(id);
    entry?.resolve(payload);
    return entry !== undefined;
  }

  /** Rejects `id`; returns false when nothing waits for it. */
  reject(id: string, err: Error): boolean {
    const entry = this.take(id);
    entry?.reject(err);
    return entry !== undefined;
  }

  /** Rejects everything pending, e.g. when the connection closes. */
  rejectAll(reason: string): void {
    const entries = [...this.entries.values()];
    for (const entry of entries) clearTimeout(entry.timer);
    this.entries.clear();
    for (const entry of entries) entry.reject(new GatewayClosedError(entry.method, reason));
  }

  private take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }
}
