import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { StorageUnavailableError } from '../../../src/errors.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { AuditStore } from '../../../src/storage/ports.js';

/** A memory audit store that is unreachable while `down` is true. */
function flakyStore(): { store: AuditStore; setDown(down: boolean): void; list: AuditStore['list'] } {
  const inner = createMemoryStorage().audit;
  let down = false;
  const store: AuditStore = {
    append: async (entry) => {
      if (down) throw new StorageUnavailableError('PostgreSQL at postgres://db is unreachable (test)');
      return inner.append(entry);
    },
    complete: (...args) => inner.complete(...args),
    list: (...args) => inner.list(...args),
  };
  return { store, setDown: (d) => (down = d), list: (...args) => inner.list(...args) };
}

describe('AuditLog', () => {
  it('keeps finished-action rows while the store is unreachable and writes them, in order and with their times, once it is back', async () => {
    vi.useFakeTimers();
    try {
      const flaky = flakyStore();
      let now = 1_000;
      const audit = new AuditLog(flaky.store, pino({ level: 'silent' }), () => now);
      flaky.setDown(true);
      await audit.record({ actor: 'U1', action: 'pairing.approve', target: 'node:a', outcome: 'refused' });
      now = 2_000;
      await audit.record({ actor: 'U2', action: 'pairing.reject', target: 'node:b', outcome: 'refused' });
      expect(audit.waiting).toBe(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(audit.waiting).toBe(2);
      flaky.setDown(false);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(audit.waiting).toBe(0);
      expect((await flaky.list(10)).map((r) => [r.actor, r.atMs])).toEqual([
        ['U1', 1_000],
        ['U2', 2_000],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses an intent it cannot write, saying the store is unreachable (the action must not run)', async () => {
    const flaky = flakyStore();
    flaky.setDown(true);
    const audit = new AuditLog(flaky.store, pino({ level: 'silent' }));
    await expect(audit.begin({ actor: 'U1', action: 'invoke', target: 'node:a' })).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    expect(audit.waiting).toBe(0);
  });
});
