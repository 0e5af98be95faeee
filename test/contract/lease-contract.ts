/**
 * What every storage that replicas can share must do with leases (memory, PostgreSQL): one holder at a time, a new
 * epoch per tenure, renewals only by the holder, and writes fenced by the epoch. Expiry is real time on the
 * store's clock, so the tests wait for it with a deadline (short TTLs).
 */
import { describe, expect, it, vi } from 'vitest';
import { LeaseLostError } from '../../src/errors.js';
import type { PairingRequest } from '../../src/pairing/types.js';
import type { LeaseStore, Storage } from '../../src/storage/ports.js';

export interface LeaseStorageFactory {
  create(): Promise<Storage>;
}

const TTL_MS = 300;

function request(requestId: string): PairingRequest {
  return {
    kind: 'node',
    requestId,
    subjectId: `node-${requestId}`,
    displayName: requestId,
    platform: 'linux',
    version: '2026.9.6',
    clientId: 'node-host',
    clientMode: 'node',
    deviceFamily: 'Linux',
    remoteIp: undefined,
    caps: [],
    commands: [],
    requiredApproveScopes: [],
    role: undefined,
    roles: [],
    scopes: [],
    isRepair: false,
    previouslyApproved: undefined,
    requestedAtMs: 1,
  };
}

function leasesOf(storage: Storage): LeaseStore {
  if (!storage.leases) throw new Error('this storage has no leases');
  return storage.leases;
}

/** Registers the lease contract for one implementation. */
export function describeLeaseContract(name: string, factory: LeaseStorageFactory): void {
  const withLeases = (test: (leases: LeaseStore, storage: Storage) => Promise<void>) => async () => {
    const storage = await factory.create();
    try {
      await test(leasesOf(storage), storage);
    } finally {
      await storage.close();
    }
  };

  describe(`lease contract: ${name}`, () => {
    it(
      'has one holder at a time, and a new epoch for every new tenure',
      withLeases(async (leases) => {
        const a = await leases.acquire('gateway:default', 'replica-a', 10_000);
        expect(a).toEqual({ name: 'gateway:default', holder: 'replica-a', epoch: 1 });
        expect(await leases.acquire('gateway:default', 'replica-b', 10_000)).toBeUndefined();
        expect(await leases.current('gateway:default')).toMatchObject({ holder: 'replica-a', epoch: 1 });
        expect((await leases.current('gateway:default'))?.expiresInMs).toBeGreaterThan(5_000);
        // Another lease is independent.
        expect(await leases.acquire('gateway:lab', 'replica-b', 10_000)).toMatchObject({
          holder: 'replica-b',
          epoch: 1,
        });
        if (!a) throw new Error('no lease');
        await leases.release(a);
        expect(await leases.current('gateway:default')).toBeUndefined();
        expect(await leases.acquire('gateway:default', 'replica-b', 10_000)).toMatchObject({
          holder: 'replica-b',
          epoch: 2,
        });
        // The old tenure cannot renew or release the new one.
        expect(await leases.renew(a, 10_000)).toBe(false);
        await leases.release(a);
        expect(await leases.current('gateway:default')).toMatchObject({ holder: 'replica-b', epoch: 2 });
      }),
    );

    it(
      'lets exactly one of several racing replicas take a free lease',
      withLeases(async (leases) => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => leases.acquire('gateway:race', `replica-${i}`, 10_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }),
    );

    it(
      'renews only while held, and lets another replica take over once it ran out',
      withLeases(async (leases) => {
        const a = await leases.acquire('gateway:default', 'replica-a', TTL_MS);
        if (!a) throw new Error('no lease');
        expect(await leases.renew(a, TTL_MS)).toBe(true);
        const b = await vi.waitFor(
          async () => {
            const taken = await leases.acquire('gateway:default', 'replica-b', 10_000);
            if (!taken) throw new Error('still held');
            return taken;
          },
          { timeout: 5_000, interval: 50 },
        );
        expect(b.epoch).toBe(a.epoch + 1);
        expect(await leases.renew(a, TTL_MS)).toBe(false);
        expect(await leases.renew(b, 10_000)).toBe(true);
      }),
    );

    it(
      'refuses, and does not apply, writes under a lease that was taken over',
      withLeases(async (leases, storage) => {
        await storage.requests.insertPending('default', request('r1'), 'fp', 1);
        const a = await leases.acquire('gateway:default', 'replica-a', TTL_MS);
        if (!a) throw new Error('no lease');
        const fencedA = leases.fenced(a);
        await fencedA.requests.markSynced(
          { gateway: 'default', kind: 'node', requestId: 'r1' },
          { channel: 'C1', ts: '1.1' },
          1,
        );
        expect((await storage.requests.get({ gateway: 'default', kind: 'node', requestId: 'r1' }))?.ts).toBe('1.1');
        await vi.waitFor(
          async () => {
            if (!(await leases.acquire('gateway:default', 'replica-b', 10_000))) throw new Error('still held');
          },
          { timeout: 5_000, interval: 50 },
        );
        const key = { gateway: 'default', kind: 'node' as const, requestId: 'r1' };
        await expect(fencedA.requests.markSynced(key, { channel: 'C9', ts: '9.9' }, 1)).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await expect(fencedA.requests.insertPending('default', request('r2'), 'fp', 2)).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        await expect(
          fencedA.outbox.enqueue({ kind: 'alert', gateway: 'default', channel: 'C1', title: 'stale' }, 3),
        ).rejects.toBeInstanceOf(LeaseLostError);
        expect((await storage.requests.get(key))?.ts).toBe('1.1');
        expect(await storage.requests.get({ ...key, requestId: 'r2' })).toBeUndefined();
        expect(await storage.outbox.list(10)).toEqual([]);
        // Reads through the fenced stores still work (the old holder can look, not touch).
        expect((await fencedA.requests.get(key))?.ts).toBe('1.1');
      }),
    );

    it(
      'tells every sharer about queued work, its own writes included',
      withLeases(async (_leases, storage) => {
        const notices = storage.notices;
        if (!notices) throw new Error('this storage has no notices');
        const heard: string[] = [];
        const off = notices.subscribe((n) => heard.push(`${n.gateway}:${n.kind}`));
        try {
          await (notices as { ready?: () => Promise<void> }).ready?.();
          await storage.requests.insertPending('lab', request('n1'), 'fp', 1);
          await storage.outbox.enqueue({ kind: 'alert', gateway: 'edge', channel: 'C1', title: 'x' }, 2);
          await notices.publish({ gateway: 'default', kind: 'reconcile' });
          await vi.waitFor(
            () => expect(heard).toEqual(expect.arrayContaining(['lab:delivery', 'edge:delivery', 'default:reconcile'])),
            {
              timeout: 5_000,
              interval: 20,
            },
          );
        } finally {
          off();
        }
      }),
    );
  });
}
