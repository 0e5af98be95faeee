import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { GatewayRequestError } from '../../../src/errors.js';
import { ApprovalExpiry } from '../../../src/pairing/approval-expiry.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { Storage } from '../../../src/storage/ports.js';
import { makeRequest } from '../slack/pairing-fixtures.js';

const log = pino({ level: 'silent' });
const key = (requestId: string) => ({ gateway: 'default', kind: 'node' as const, requestId });

/** A time-bound approval over a memory store, a clock the test moves, and a gateway whose answers it sets. */
function setup() {
  let now = 1_000_000;
  const storage = createMemoryStorage({ nowMs: () => now });
  const removed: string[] = [];
  let connected = true;
  let refuse = false;
  const gateway = {
    id: 'default',
    nodes: {
      pairRemove: async (nodeId: string) => {
        if (refuse) throw new GatewayRequestError('node.pair.remove', { code: 'UNAVAILABLE', message: 'try later' });
        removed.push(nodeId);
        return { nodeId };
      },
    },
  };
  const expiry = (s: Storage) =>
    new ApprovalExpiry({
      gateway,
      storage: s,
      audit: new AuditLog(s.audit, log, () => now),
      isConnected: () => connected,
      onEnded: () => {},
      log,
      checkEveryMs: 3_600_000,
      nowMs: () => now,
    });
  const approveFor = async (id: string, ms: number) => {
    await storage.requests.insertPending('default', makeRequest({ requestId: id, subjectId: `node-${id}` }), 'fp', now);
    await storage.requests.resolve(key(id), 'approved', { via: 'slack', userId: 'UA' }, now, now + ms);
  };
  return {
    storage,
    expiry,
    approveFor,
    removed,
    advance: (ms: number) => {
      now += ms;
    },
    setConnected: (c: boolean) => {
      connected = c;
    },
    setRefuse: (r: boolean) => {
      refuse = r;
    },
  };
}

async function check(e: ApprovalExpiry) {
  e.schedule();
  await e.idle();
}

describe('ApprovalExpiry (fake clock)', () => {
  it('removes the node at its stored deadline, not before, and once', async () => {
    const t = setup();
    await t.approveFor('a', 30 * 60_000);
    const e = t.expiry(t.storage);
    e.start(t.storage);
    t.advance(30 * 60_000 - 1);
    await check(e);
    expect(t.removed).toEqual([]);
    t.advance(1);
    await check(e);
    await check(e);
    expect(t.removed).toEqual(['node-a']);
    expect((await t.storage.requests.get(key('a')))?.approval?.ended?.how).toBe('expired');
    expect((await t.storage.outbox.list(10)).map((q) => q.message)).toEqual([
      { kind: 'decision-reply', request: key('a'), ended: true },
    ]);
    e.stop();
  });

  it('removes after a restart what came due while no process ran it (the deadline is in the store)', async () => {
    const t = setup();
    await t.approveFor('b', 8 * 3_600_000);
    const first = t.expiry(t.storage);
    first.start(t.storage);
    first.stop();
    t.advance(9 * 3_600_000);
    expect(t.removed).toEqual([]);
    const second = t.expiry(t.storage);
    second.start(t.storage);
    await second.idle();
    expect(t.removed).toEqual(['node-b']);
    second.stop();
  });

  it('tries nothing while the gateway is away, and backs off after a refusal (5 s, then 10 s)', async () => {
    const t = setup();
    await t.approveFor('c', 60_000);
    const e = t.expiry(t.storage);
    e.start(t.storage);
    t.advance(60_000);
    t.setConnected(false);
    await check(e);
    expect((await t.storage.audit.list(10)).filter((a) => a.action === 'remove.expired')).toEqual([]);
    t.setConnected(true);
    t.setRefuse(true);
    await check(e);
    t.advance(4_999);
    await check(e);
    expect((await t.storage.audit.list(10)).filter((a) => a.action === 'remove.expired')).toHaveLength(1);
    t.advance(1);
    await check(e);
    expect((await t.storage.audit.list(10)).filter((a) => a.action === 'remove.expired')).toHaveLength(2);
    t.setRefuse(false);
    t.advance(9_999);
    await check(e);
    expect(t.removed).toEqual([]);
    t.advance(1);
    await check(e);
    expect(t.removed).toEqual(['node-c']);
    expect((await t.storage.requests.get(key('c')))?.status).toBe('removed');
    e.stop();
  });
});
