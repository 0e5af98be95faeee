/**
 * Fencing for storages that check a lease in the process itself (memory): every method not named a read runs only
 * after `check` passed. PostgreSQL fences in SQL instead (the check and the write in one transaction).
 */
export function fenceWrites<T extends object>(store: T, reads: readonly string[], check: () => Promise<void>): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof prop !== 'string' || reads.includes(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        await check();
        return method.apply(target, args);
      };
    },
  });
}

/** The read methods of RequestStore and OutboxStore (everything else writes). */
export const REQUEST_READS = [
  'get',
  'findByRequestId',
  'listByStatus',
  'listPendingOf',
  'listByCard',
  'listDirty',
] as const;
export const OUTBOX_READS = ['list'] as const;
export const ALERT_READS = ['get', 'listOpen', 'listClosedSince'] as const;
