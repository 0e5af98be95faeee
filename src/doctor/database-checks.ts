import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { leaseName } from '../replicas/coordinator.js';
import type { IdentityStore } from '../storage/ports.js';
import { describeDatabaseUrl, PgDatabase } from '../storage/postgres/pg-database.js';
import { PgIdentityStore } from '../storage/postgres/pg-identities.js';
import { migrate, PG_SCHEMA_VERSION, SchemaTooNewError, schemaVersion } from '../storage/postgres/pg-schema.js';
import { type CheckResult, fail, ok, warn } from './checklist.js';

/** The database checks, and the identity store the gateway checks should use (the bot's own device). */
export interface DatabaseCheck {
  readonly results: CheckResult[];
  readonly identities: IdentityStore | undefined;
  close(): Promise<void>;
}

/**
 * PostgreSQL (DATABASE_URL): reachable, schema current (migrated here if it is behind, as the bot would on start),
 * and who holds each gateway's lease. Never throws.
 */
export async function checkDatabase(config: Config, log: Logger): Promise<DatabaseCheck> {
  if (config.storage.kind !== 'postgres') return { results: [], identities: undefined, close: async () => {} };
  const where = describeDatabaseUrl(config.storage.url);
  const db = new PgDatabase(config.storage.url, log, { max: 2 });
  const close = () => db.close().catch(() => undefined);
  let found: number;
  try {
    found = await schemaVersion(db);
  } catch (err) {
    await close();
    return {
      results: [
        fail(
          'database reachable',
          `${where}: ${(err as Error).message}`,
          'check DATABASE_URL (host, port, database, user, password) and that PostgreSQL runs and accepts this host',
        ),
      ],
      identities: undefined,
      close: async () => {},
    };
  }
  const results: CheckResult[] = [ok('database reachable', where)];
  try {
    const applied = await migrate(db);
    results.push(
      applied.length === 0
        ? ok('database schema', `version ${found}, current`)
        : ok('database schema', `was version ${found}; applied ${applied.join(', ')}; now ${PG_SCHEMA_VERSION}`),
    );
  } catch (err) {
    const fix =
      err instanceof SchemaTooNewError
        ? 'run the release that migrated it (or a newer one)'
        : "give the bot's role the right to create tables in this database (it owns its schema)";
    results.push(fail('database schema', (err as Error).message, fix));
    await close();
    return { results, identities: undefined, close: async () => {} };
  }
  for (const gateway of config.gateways) {
    const named = config.gateways.length > 1 ? ` (${gateway.id})` : '';
    const rows = await db.query<{ holder: string; epoch: string; left_ms: number }>(
      `SELECT holder, epoch, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS left_ms
       FROM leases WHERE name = $1 AND expires_at > clock_timestamp()`,
      [leaseName(gateway.id)],
    );
    const lease = rows[0];
    results.push(
      lease
        ? ok(
            `lease holder${named}`,
            `${lease.holder} (epoch ${lease.epoch}, ${Math.round(lease.left_ms / 1000)} s left)`,
          )
        : warn(
            `lease holder${named}`,
            'no replica holds the lease now: cards and alerts wait until one runs',
            'start the bot (any replica takes the lease within OPENCLAW_LEASE_TTL_MS)',
          ),
    );
  }
  return { results, identities: new PgIdentityStore(db), close };
}
