/** The approval workflow's part of the storage contract (two-person rule, time-bound approvals, revoke), for each store. */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/ports.js';
import { key, request, type StorageFactory } from './storage-contract.js';

const first = { userId: 'UA', fingerprint: 'fp', atMs: 10, reason: 'planned: new build host' };

export function describeApprovalContract(name: string, factory: StorageFactory): void {
  const withStorage = (test: (s: Storage) => Promise<void>) => async () => {
    const storage = await factory.create();
    try {
      await test(storage);
    } finally {
      await storage.close();
    }
  };

  describe(`approval contract: ${name}`, () => {
    it(
      'records a first approval only at the version it was read at, queues the card, and keeps it through the decision',
      withStorage(async ({ requests }) => {
        await requests.insertPending('default', request('r1'), 'fp', 1);
        const seen = await requests.get(key('r1'));
        await requests.markSynced(key('r1'), { channel: 'C1', ts: '1.1' }, seen?.version ?? 0);
        const version = seen?.version ?? 0;
        const [a, b] = await Promise.all([
          requests.setApproval(key('r1'), { first }, version, 2),
          requests.setApproval(key('r1'), { first: { ...first, userId: 'UB' } }, version, 2),
        ]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        const after = await requests.get(key('r1'));
        expect(after?.approval?.first?.userId).toBe(a ? 'UA' : 'UB');
        expect((await requests.listDirty(10)).map((r) => r.requestId)).toEqual(['r1']);
        expect(await requests.resolve(key('r1'), 'approved', { via: 'slack', userId: 'UC' }, 3, 5_000)).toBe(true);
        const approved = await requests.get(key('r1'));
        expect(approved?.approval).toEqual({ first: a ? first : { ...first, userId: 'UB' }, untilMs: 5_000 });
        expect(approved?.resolvedBy).toEqual({ via: 'slack', userId: 'UC' });
      }),
    );

    it(
      'drops a first approval when the request changes (it approved another surface)',
      withStorage(async ({ requests }) => {
        await requests.insertPending('default', request('r1'), 'fp', 1);
        const version = (await requests.get(key('r1')))?.version ?? 0;
        expect(await requests.setApproval(key('r1'), { first }, version, 2)).toBe(true);
        await requests.updateRequest(key('r1'), request('r1', { commands: ['system.run'] }), 'fp2', 3);
        const changed = await requests.get(key('r1'));
        expect(changed?.approval).toBeUndefined();
        expect(changed?.fingerprint).toBe('fp2');
        // A withdrawal read before the change is refused.
        expect(await requests.setApproval(key('r1'), {}, version + 1, 4)).toBe(false);
      }),
    );

    it(
      'lists approvals whose time is up, soonest first, per gateway, and ends each once',
      withStorage(async ({ requests }) => {
        for (const [id, gateway, until] of [
          ['late', 'default', 300],
          ['soon', 'default', 100],
          ['other', 'gw2', 100],
          ['later', 'default', 9_000],
        ] as const) {
          await requests.insertPending(gateway, request(id), 'fp', 1);
          await requests.resolve(key(id, gateway), 'approved', { via: 'slack', userId: 'UA' }, 2, until);
        }
        await requests.insertPending('default', request('forever'), 'fp', 1);
        await requests.resolve(key('forever'), 'approved', { via: 'slack', userId: 'UA' }, 2);
        expect((await requests.listExpired(300, ['default'])).map((r) => r.requestId)).toEqual(['soon', 'late']);
        expect((await requests.listExpired(300)).map((r) => r.requestId).sort()).toEqual(['late', 'other', 'soon']);
        expect(await requests.listExpired(300, [])).toEqual([]);

        const ends = await Promise.all([
          requests.endApproval(key('soon'), { how: 'expired', atMs: 301 }, 301),
          requests.endApproval(key('soon'), { how: 'revoked', userId: 'UB', atMs: 301 }, 301),
        ]);
        expect(ends.filter(Boolean)).toHaveLength(1);
        const ended = await requests.get(key('soon'));
        expect(ended?.status).toBe('removed');
        expect(ended?.approval?.untilMs).toBeUndefined();
        expect(ended?.approval?.ended?.how).toBe(ends[0] ? 'expired' : 'revoked');
        expect((await requests.listExpired(300, ['default'])).map((r) => r.requestId)).toEqual(['late']);
        // Only an approved request can end: a pending one is not touched.
        await requests.insertPending('default', request('open'), 'fp', 1);
        expect(await requests.endApproval(key('open'), { how: 'revoked', userId: 'UB', atMs: 5 }, 5)).toBe(false);
        expect((await requests.get(key('open')))?.status).toBe('pending');
      }),
    );

    it(
      'extends or lifts a time limit at the version it was read at',
      withStorage(async ({ requests }) => {
        await requests.insertPending('default', request('r1'), 'fp', 1);
        await requests.resolve(key('r1'), 'approved', { via: 'slack', userId: 'UA' }, 2, 1_000);
        const approved = await requests.get(key('r1'));
        const version = approved?.version ?? 0;
        expect(
          await requests.setApproval(
            key('r1'),
            { ...approved?.approval, untilMs: 9_000, timeChangedBy: 'UB' },
            version,
            3,
          ),
        ).toBe(true);
        expect(await requests.setApproval(key('r1'), { untilMs: undefined }, version, 3)).toBe(false);
        expect((await requests.listExpired(5_000)).map((r) => r.requestId)).toEqual([]);
        const extended = await requests.get(key('r1'));
        expect(extended?.approval).toEqual({ untilMs: 9_000, timeChangedBy: 'UB' });
        expect(await requests.setApproval(key('r1'), { timeChangedBy: 'UB' }, extended?.version ?? 0, 4)).toBe(true);
        expect((await requests.get(key('r1')))?.approval).toEqual({ timeChangedBy: 'UB' });
        expect(await requests.listExpired(Number.MAX_SAFE_INTEGER)).toEqual([]);
      }),
    );
  });
}
