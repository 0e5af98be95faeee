import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../../src/errors.js';
import { PgDatabase } from '../../../src/storage/postgres/pg-database.js';
import { createTestDatabase } from '../../support/test-database.js';

describe('PgDatabase when the server ends a session', () => {
  it('turns a connection lost in the middle of a transaction into StorageUnavailableError, not a crash', async () => {
    const url = await createTestDatabase('connloss');
    const db = new PgDatabase(url, pino({ level: 'silent' }));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      let backend = 0;
      const outcome = db.transaction(async (client) => {
        backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
        // Between two queries of the transaction (no query running), the server ends this session: pg-pool has
        // taken its own error listener off the checked-out client, so the 'error' lands on ours.
        await admin.query('SELECT pg_terminate_backend($1)', [backend]);
        await new Promise((r) => setTimeout(r, 200));
        await client.query('SELECT 1');
      });
      await expect(outcome).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(backend).toBeGreaterThan(0);
      // The pool dropped the broken client and serves the next statement on a new session.
      expect((await db.query<{ one: number }>('SELECT 1 AS one'))[0]?.one).toBe(1);
    } finally {
      await admin.end();
      await db.close();
    }
  });
});
