/**
 * What every storage implementation must do (memory, SQLite, and PostgreSQL later): one suite, run against each.
 * Atomic operations are tested with concurrent callers.
 */
import { describe, expect, it } from 'vitest';
import type { PairingRequest } from '../../src/pairing/types.js';
import type { DecisionClaim, RequestKey, Storage, StoredIdentity } from '../../src/storage/ports.js';

export interface StorageFactory {
  /** A fresh, empty storage. */
  create(): Promise<Storage>;
  /** Another handle on the same data (a second process or replica), when the implementation has one. */
  reopen?: (storage: Storage) => Promise<Storage>;
}

export function request(requestId: string, overrides: Partial<PairingRequest> = {}): PairingRequest {
  return {
    kind: 'node',
    requestId,
    subjectId: `node-of-${requestId}`,
    displayName: `name-${requestId}`,
    platform: 'linux',
    version: '2026.9.6',
    clientId: 'node-host',
    clientMode: 'node',
    deviceFamily: 'Linux',
    remoteIp: undefined,
    caps: ['system'],
    commands: ['ollama.models'],
    requiredApproveScopes: ['operator.pairing', 'operator.write'],
    role: undefined,
    roles: [],
    scopes: [],
    isRepair: false,
    previouslyApproved: undefined,
    requestedAtMs: 1,
    ...overrides,
  };
}

export const key = (requestId: string, gateway = 'default'): RequestKey => ({ gateway, kind: 'node', requestId });

const identity = (deviceId: string): StoredIdentity => ({
  version: 1,
  deviceId: deviceId.padEnd(64, '0'),
  publicKey: 'pk',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n',
  createdAtMs: 1,
});

/** Registers the contract suite for one implementation. */
export function describeStorageContract(name: string, factory: StorageFactory): void {
  const withStorage = (test: (s: Storage) => Promise<void>) => async () => {
    const storage = await factory.create();
    try {
      await test(storage);
    } finally {
      await storage.close();
    }
  };

  describe(`storage contract: ${name}`, () => {
    describe('requests', () => {
      it(
        'stores a pending request once, ever, per gateway',
        withStorage(async ({ requests }) => {
          expect(await requests.insertPending('default', request('r1'), 'fp1', 10)).toBe(true);
          expect(await requests.insertPending('default', request('r1'), 'fp2', 11)).toBe(false);
          expect(await requests.insertPending('lab', request('r1'), 'fp3', 12)).toBe(true);
          expect(await requests.get(key('r1'))).toMatchObject({
            gateway: 'default',
            kind: 'node',
            requestId: 'r1',
            fingerprint: 'fp1',
            status: 'pending',
            version: 1,
            channel: undefined,
            ts: undefined,
            lastFailure: undefined,
            createdAtMs: 10,
          });
          expect((await requests.get(key('r1')))?.request).toEqual(request('r1'));
          expect((await requests.get(key('r1', 'lab')))?.fingerprint).toBe('fp3');
          expect((await requests.findByRequestId('r1')).map((r) => r.gateway)).toEqual(['default', 'lab']);
          expect((await requests.findByRequestId('r1', 'lab')).map((r) => r.gateway)).toEqual(['lab']);
          expect(await requests.get(key('missing'))).toBeUndefined();
        }),
      );

      it(
        'inserts once when several callers race for the same request',
        withStorage(async ({ requests }) => {
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, i) => requests.insertPending('default', request('race'), `fp${i}`, i)),
          );
          expect(results.filter(Boolean)).toHaveLength(1);
        }),
      );

      it(
        'updates, resolves and fails only as the rules say',
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('r1'), 'fp1', 10);
          await requests.updateRequest(key('r1'), request('r1', { commands: ['a.b'] }), 'fp2', 20);
          expect(await requests.get(key('r1'))).toMatchObject({ fingerprint: 'fp2', version: 2, updatedAtMs: 20 });
          await requests.setFailure(
            key('r1'),
            { code: 'missing-scope', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
            25,
          );
          expect((await requests.get(key('r1')))?.lastFailure).toEqual({
            code: 'missing-scope',
            missingScope: 'operator.admin',
            requiredScopes: ['operator.admin'],
          });
          expect(await requests.resolve(key('r1'), 'approved', { via: 'slack', userId: 'U1' }, 30)).toBe(true);
          expect(await requests.resolve(key('r1'), 'rejected', { via: 'outside' }, 31)).toBe(false);
          expect(await requests.get(key('r1'))).toMatchObject({
            status: 'approved',
            resolvedBy: { via: 'slack', userId: 'U1' },
            resolvedAtMs: 30,
            lastFailure: undefined,
          });
          await requests.updateRequest(key('r1'), request('r1', { commands: ['x'] }), 'fp3', 40);
          expect((await requests.get(key('r1')))?.fingerprint).toBe('fp2');
        }),
      );

      it(
        'resolves a request once when two callers race',
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('r1'), 'fp', 1);
          const outcomes = await Promise.all([
            requests.resolve(key('r1'), 'approved', { via: 'slack', userId: 'U1' }, 2),
            requests.resolve(key('r1'), 'rejected', { via: 'slack', userId: 'U2' }, 2),
          ]);
          expect(outcomes.filter(Boolean)).toHaveLength(1);
        }),
      );

      it(
        'lists by status (oldest first, per gateway) and keeps the card outbox',
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('b'), 'fp', 20);
          await requests.insertPending('default', request('a'), 'fp', 10);
          await requests.insertPending('lab', request('c'), 'fp', 5);
          expect((await requests.listByStatus('pending')).map((r) => r.requestId)).toEqual(['c', 'a', 'b']);
          expect((await requests.listByStatus('pending', 'default')).map((r) => r.requestId)).toEqual(['a', 'b']);
          expect((await requests.listDirty(10)).map((r) => r.requestId)).toEqual(['c', 'a', 'b']);
          expect(await requests.listDirty(1)).toHaveLength(1);

          const where = { channel: 'C1', ts: '1.1' };
          const a = (await requests.get(key('a'))) as NonNullable<Awaited<ReturnType<typeof requests.get>>>;
          await requests.markPostAttempt(key('a'), 15);
          await requests.markSynced(key('a'), where, a.version);
          expect(await requests.get(key('a'))).toMatchObject({ channel: 'C1', ts: '1.1', postAttemptAtMs: 15 });
          expect((await requests.listDirty(10)).map((r) => r.requestId)).toEqual(['c', 'b']);
          // A change after the render keeps the record dirty: its card is updated again.
          await requests.placeOnCard(key('b'), where);
          const b = (await requests.get(key('b'))) as NonNullable<Awaited<ReturnType<typeof requests.get>>>;
          await requests.markDirty(key('b'));
          await requests.markSynced(key('b'), where, b.version);
          expect((await requests.listDirty(10)).map((r) => r.requestId)).toEqual(['c', 'b']);
          expect((await requests.listByCard(where)).map((r) => r.requestId)).toEqual(['a', 'b']);
        }),
      );

      it(
        "lists one node's pending requests (what a newer request of it supersedes): by gateway, kind and subject",
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('a2', { subjectId: 'node-a' }), 'fp', 20);
          await requests.insertPending('default', request('a1', { subjectId: 'node-a' }), 'fp', 10);
          await requests.insertPending('default', request('b1', { subjectId: 'node-b' }), 'fp', 11);
          await requests.insertPending('lab', request('a3', { subjectId: 'node-a' }), 'fp', 12);
          await requests.insertPending('default', request('a4', { kind: 'device', subjectId: 'node-a' }), 'fp', 13);
          const of = async (gateway: string, kind: 'node' | 'device', subject: string) =>
            (await requests.listPendingOf(gateway, kind, subject)).map((r) => r.requestId);
          expect(await of('default', 'node', 'node-a')).toEqual(['a1', 'a2']);
          expect(await of('lab', 'node', 'node-a')).toEqual(['a3']);
          expect(await of('default', 'device', 'node-a')).toEqual(['a4']);
          expect(await of('default', 'node', 'node-c')).toEqual([]);
          await requests.resolve(key('a1'), 'rejected', undefined, 30);
          expect(await of('default', 'node', 'node-a')).toEqual(['a2']);
        }),
      );

      it(
        'returns copies: changing a record read back changes nothing stored',
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('r1'), 'fp', 1);
          const read = (await requests.get(key('r1'))) as unknown as { request: { commands: string[] } };
          read.request.commands.push('system.run');
          expect((await requests.get(key('r1')))?.request.commands).toEqual(['ollama.models']);
        }),
      );
    });

    describe('claims', () => {
      const claim = (userId: string, gateway = 'default'): DecisionClaim => ({
        ...key('r1', gateway),
        decision: 'approve',
        userId,
        fingerprint: 'fp',
        claimedAtMs: 5,
      });

      it(
        'grants one claim per request to concurrent callers and tells the others who holds it',
        withStorage(async ({ claims }) => {
          const results = await Promise.all(Array.from({ length: 20 }, (_, i) => claims.claim(claim(`U${i}`))));
          const winners = results.filter((r) => r.ok);
          expect(winners).toHaveLength(1);
          const holders = new Set(results.flatMap((r) => (r.ok ? [] : [r.existing.userId])));
          expect(holders.size).toBe(1);
          expect((await claims.claim(claim('U99', 'lab'))).ok).toBe(true);
          expect((await claims.list('default')).map((c) => c.gateway)).toEqual(['default']);
          expect(await claims.list()).toHaveLength(2);
          await claims.release(key('r1'));
          expect((await claims.claim(claim('U50'))).ok).toBe(true);
        }),
      );
    });

    describe('outbox', () => {
      it(
        'keeps messages in order until delivered, with the attempt noted',
        withStorage(async ({ outbox }) => {
          const first = await outbox.enqueue({ kind: 'decision-reply', request: key('r1') }, 10);
          const second = await outbox.enqueue(
            { kind: 'alert', gateway: 'lab', channel: 'C1', title: 'down', detail: 'x' },
            11,
          );
          expect(second).toBeGreaterThan(first);
          await outbox.markAttempt(first, 12);
          expect(await outbox.list(10)).toEqual([
            { id: first, message: { kind: 'decision-reply', request: key('r1') }, createdAtMs: 10, attemptedAtMs: 12 },
            {
              id: second,
              message: { kind: 'alert', gateway: 'lab', channel: 'C1', title: 'down', detail: 'x' },
              createdAtMs: 11,
              attemptedAtMs: undefined,
            },
          ]);
          await outbox.delete(first);
          expect((await outbox.list(10)).map((m) => m.id)).toEqual([second]);
        }),
      );
    });

    describe('per gateway (what a lease holder delivers)', () => {
      it(
        'lists dirty records and queued messages of the named gateways only',
        withStorage(async ({ requests, outbox }) => {
          await requests.insertPending('default', request('d1'), 'fp', 1);
          await requests.insertPending('lab', request('l1'), 'fp', 2);
          await requests.insertPending('edge', request('e1'), 'fp', 3);
          expect((await requests.listDirty(10, ['lab', 'edge'])).map((r) => r.requestId)).toEqual(['l1', 'e1']);
          expect(await requests.listDirty(10, [])).toEqual([]);
          expect(await requests.listDirty(10)).toHaveLength(3);
          const reply = await outbox.enqueue({ kind: 'decision-reply', request: key('d1') }, 1);
          const alert = await outbox.enqueue({ kind: 'alert', gateway: 'lab', channel: 'C1', title: 'down' }, 2);
          expect((await outbox.list(10, ['lab'])).map((m) => m.id)).toEqual([alert]);
          expect((await outbox.list(10, ['default'])).map((m) => m.id)).toEqual([reply]);
          expect(await outbox.list(10, [])).toEqual([]);
          expect((await outbox.list(10)).map((m) => m.id)).toEqual([reply, alert]);
        }),
      );
    });

    describe('confirmations', () => {
      it(
        'lets only its requester use one, once, while fresh, even when clicks race',
        withStorage(async ({ confirmations }) => {
          await confirmations.create('c1', 'U1', 'invoke', { nodeId: 'n', command: { argv: ['id'] } }, 1_000);
          expect(await confirmations.claim('c1', 'U2', 60_000, 2_000)).toBeUndefined();
          const clicks = await Promise.all(
            Array.from({ length: 10 }, () => confirmations.claim('c1', 'U1', 60_000, 2_000)),
          );
          expect(clicks.filter((c) => c !== undefined)).toEqual([
            { action: 'invoke', payload: { nodeId: 'n', command: { argv: ['id'] } } },
          ]);
          await confirmations.create('c2', 'U1', 'remove', {}, 1_000);
          expect(await confirmations.claim('c2', 'U1', 60_000, 61_001)).toBeUndefined();
          await expect(confirmations.create('c2', 'U1', 'remove', {}, 1_000)).rejects.toThrow();
        }),
      );
    });

    describe('reminders', () => {
      it(
        'counts each reminder of a pending request once, never going back, and none once it is decided',
        withStorage(async ({ requests }) => {
          await requests.insertPending('default', request('r1'), 'fp', 1);
          expect((await requests.get(key('r1')))?.reminders ?? 0).toBe(0);
          const first = await Promise.all([requests.markReminded(key('r1'), 1), requests.markReminded(key('r1'), 1)]);
          expect(first.filter(Boolean)).toHaveLength(1);
          expect(await requests.markReminded(key('r1'), 3)).toBe(true);
          expect(await requests.markReminded(key('r1'), 2)).toBe(false);
          expect((await requests.get(key('r1')))?.reminders).toBe(3);
          await requests.insertPending('default', request('r2'), 'fp', 1);
          await requests.resolve(key('r2'), 'approved', { via: 'outside' }, 2);
          expect(await requests.markReminded(key('r2'), 1)).toBe(false);
          expect(await requests.markReminded(key('missing'), 1)).toBe(false);
        }),
      );
    });

    describe('node alerts', () => {
      it(
        'opens an alert once per key, lists open ones, closes it when every node recovered, and keeps where it was posted',
        withStorage(async ({ alerts }) => {
          const base = {
            gateway: 'g1',
            kind: 'offline' as const,
            channel: 'C1',
            detail: undefined,
            openedAtMs: 1_000,
          };
          const nodes: { nodeId: string; name: string | undefined; sinceMs: number }[] = [
            { nodeId: 'a', name: 'alpha', sinceMs: 500 },
            { nodeId: 'b', name: undefined, sinceMs: 600 },
          ];
          await alerts.open({ ...base, key: 'offline-group:1000', nodes });
          await alerts.open({ ...base, key: 'offline-group:1000', nodes: nodes.slice(0, 1) }); // ignored
          await alerts.open({ ...base, gateway: 'g2', key: 'disk:c:1000', kind: 'disk', nodes: [], detail: '3% free' });
          expect((await alerts.listOpen('g1')).map((a) => [a.key, a.nodes.length])).toEqual([
            ['offline-group:1000', 2],
          ]);
          await alerts.place('g1', 'offline-group:1000', '111.222');
          const half = await alerts.recover('g1', 'offline-group:1000', ['a', 'not-in-it'], 2_000);
          expect(half).toMatchObject({ recovered: ['a'], closedAtMs: undefined, ts: '111.222' });
          expect(await alerts.listClosedSince('g1', 0)).toEqual([]);
          const done = await alerts.recover('g1', 'offline-group:1000', ['b'], 3_000);
          expect(done).toMatchObject({ recovered: ['a', 'b'], closedAtMs: 3_000 });
          expect(await alerts.listOpen('g1')).toEqual([]);
          expect((await alerts.listClosedSince('g1', 2_500)).map((a) => a.key)).toEqual(['offline-group:1000']);
          expect(await alerts.listClosedSince('g1', 3_001)).toEqual([]);
          expect((await alerts.get('g1', 'offline-group:1000'))?.nodes[0]).toEqual({
            nodeId: 'a',
            name: 'alpha',
            sinceMs: 500,
          });
          expect(await alerts.recover('g1', 'missing', ['a'], 1)).toBeUndefined();
          expect((await alerts.listOpen('g2')).map((a) => a.detail)).toEqual(['3% free']);
        }),
      );
    });

    describe('audit', () => {
      it(
        'appends rows, completes intents once, and lists the newest N oldest first',
        withStorage(async ({ audit }) => {
          const row = { actor: 'U1', action: 'invoke', gateway: 'default', target: 'node:n', targetName: 'n' } as const;
          const intent = await audit.append({
            ...row,
            atMs: 10,
            params: { command: 'system.run', params: { command: ['id'] } },
            outcome: 'intent',
          });
          const refused = await audit.append({ ...row, atMs: 20, outcome: 'refused', detail: 'needs an admin' });
          await audit.complete(intent, 'ok', undefined, 15);
          await audit.complete(intent, 'failed', 'late', 16);
          await audit.complete(refused, 'ok', undefined, 21);
          expect(await audit.list(10)).toEqual([
            {
              ...row,
              id: intent,
              atMs: 10,
              params: { command: 'system.run', params: { command: ['id'] } },
              outcome: 'ok',
              completedAtMs: 15,
              requestId: undefined,
              fingerprint: undefined,
              detail: undefined,
            },
            {
              ...row,
              id: refused,
              atMs: 20,
              params: undefined,
              outcome: 'refused',
              detail: 'needs an admin',
              completedAtMs: undefined,
              requestId: undefined,
              fingerprint: undefined,
            },
          ]);
          expect((await audit.list(1)).map((r) => r.id)).toEqual([refused]);
          expect((await audit.list(10, 15)).map((r) => r.id)).toEqual([refused]);
        }),
      );
    });

    describe('identities', () => {
      it(
        'keeps one identity per gateway, the first writer winning, and one install secret',
        withStorage(async ({ identities }) => {
          expect(await identities.load('default')).toBeUndefined();
          const stored = await Promise.all(
            ['a', 'b', 'c'].map((id) => identities.createIfAbsent('default', identity(id))),
          );
          expect(new Set(stored.map((s) => s.deviceId)).size).toBe(1);
          expect((await identities.createIfAbsent('lab', identity('d'))).deviceId).toBe(identity('d').deviceId);
          await identities.setDeviceToken('default', 'dt-1');
          expect((await identities.load('default'))?.deviceToken).toBe('dt-1');
          await identities.setDeviceToken('default', undefined);
          expect((await identities.load('default'))?.deviceToken).toBeUndefined();
          const secret = await identities.installSecret();
          expect(secret.length).toBeGreaterThanOrEqual(32);
          expect((await identities.installSecret()).equals(secret)).toBe(true);
        }),
      );
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('shares everything with a second handle on the same data (another process)', async () => {
        const first = await factory.create();
        const second = await reopen(first);
        try {
          await first.requests.insertPending('default', request('shared'), 'fp', 1);
          expect((await second.requests.get(key('shared')))?.fingerprint).toBe('fp');
          const [a, b] = await Promise.all([
            first.claims.claim({
              ...key('shared'),
              decision: 'approve',
              userId: 'U1',
              fingerprint: 'fp',
              claimedAtMs: 1,
            }),
            second.claims.claim({
              ...key('shared'),
              decision: 'reject',
              userId: 'U2',
              fingerprint: 'fp',
              claimedAtMs: 1,
            }),
          ]);
          expect([a?.ok, b?.ok].filter(Boolean)).toHaveLength(1);
          expect((await second.identities.installSecret()).equals(await first.identities.installSecret())).toBe(true);
        } finally {
          await second.close();
          await first.close();
        }
      });
    }
  });
}
