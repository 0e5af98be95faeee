import pg from 'pg';
import { inject } from 'vitest';

let made = 0;

/** A new, empty database on the run's PostgreSQL server (see postgres-global-setup.ts); returns its URL. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const admin = inject('postgresUrl');
  made += 1;
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${made}_${Date.now() % 100_000}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
