import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { withStatementCache } from '../../../src/storage/sqlite/statements.js';
import { describeApprovalContract } from '../../contract/approval-contract.js';
import { request as contractRequest, describeStorageContract } from '../../contract/storage-contract.js';

const dirs = new Map<Storage, string>();
afterAll(() => {
  for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true });
});

const sqliteFactory = {
  create: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocso-sqlite-'));
    const storage = openSqliteStorage(dir);
    dirs.set(storage, dir);
    return storage;
  },
  reopen: async (storage: Storage) => openSqliteStorage(dirs.get(storage) ?? ''),
};

describeStorageContract('sqlite', sqliteFactory);

describeApprovalContract('sqlite', sqliteFactory);

describe('state.db of the previous release (schema 3)', () => {
  it('gains the approval columns in place and keeps its requests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocso-sqlite-v3-'));
    try {
      const first = openSqliteStorage(dir);
      const request = contractRequest('kept');
      await first.requests.insertPending('default', request, 'fp', 1);
      await first.close();
      const db = new Database(path.join(dir, 'state.db'));
      db.exec('DROP INDEX requests_expiry; ALTER TABLE requests DROP COLUMN approval_json;');
      db.exec('ALTER TABLE requests DROP COLUMN expires_at_ms;');
      db.pragma('user_version = 3');
      db.close();
      const upgraded = openSqliteStorage(dir);
      try {
        const key = { gateway: 'default', kind: 'node' as const, requestId: 'kept' };
        const kept = await upgraded.requests.get(key);
        expect(kept?.request.displayName).toBe('name-kept');
        expect(kept?.approval).toBeUndefined();
        expect(await upgraded.requests.resolve(key, 'approved', { via: 'slack', userId: 'UA' }, 2, 50)).toBe(true);
        expect((await upgraded.requests.listExpired(60)).map((r) => r.requestId)).toEqual(['kept']);
      } finally {
        await upgraded.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('state.db of the previous release (schema 2)', () => {
  it('gains the node alerts table in place and keeps what it held', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocso-sqlite-v2-'));
    try {
      const first = openSqliteStorage(dir);
      await first.outbox.enqueue({ kind: 'alert', gateway: 'default', channel: 'C1', title: 'kept' }, 1);
      await first.close();
      // What the previous release left: the same tables without node_alerts, user_version 2.
      const db = new Database(path.join(dir, 'state.db'));
      db.exec('DROP TABLE node_alerts');
      db.pragma('user_version = 2');
      db.close();
      const upgraded = openSqliteStorage(dir);
      try {
        expect((await upgraded.outbox.list(10)).map((q) => q.message)).toEqual([
          { kind: 'alert', gateway: 'default', channel: 'C1', title: 'kept' },
        ]);
        await upgraded.alerts.open({
          gateway: 'default',
          key: 'offline:n:1',
          kind: 'offline',
          channel: 'C1',
          nodes: [{ nodeId: 'n', name: 'n', sinceMs: 0 }],
          detail: undefined,
          openedAtMs: 1,
        });
        expect(await upgraded.alerts.listOpen('default')).toHaveLength(1);
      } finally {
        await upgraded.close();
      }
      const check = new Database(path.join(dir, 'state.db'));
      expect(check.pragma('user_version', { simple: true })).toBe(4);
      check.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the statement cache', () => {
  it('prepares each SQL text once, starts afresh past its bound, and runs transactions on the same database', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (v INTEGER)');
      const handle = withStatementCache(db);
      const insert = handle.prepare('INSERT INTO t (v) VALUES (?)');
      expect(handle.prepare('INSERT INTO t (v) VALUES (?)')).toBe(insert);
      for (let i = 0; i < 256; i += 1) handle.prepare(`SELECT ${i}`);
      expect(handle.prepare('INSERT INTO t (v) VALUES (?)')).not.toBe(insert);
      handle.transaction(() => {
        for (const v of [1, 2, 3]) handle.prepare('INSERT INTO t (v) VALUES (?)').run(v);
      })();
      expect(handle.prepare('SELECT SUM(v) AS s FROM t').get()).toEqual({ s: 6 });
    } finally {
      db.close();
    }
  });
});
