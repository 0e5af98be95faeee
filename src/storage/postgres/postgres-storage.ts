import type { Logger } from 'pino';
import { StartupError } from '../../errors.js';
import type { Storage } from '../ports.js';
import { PgAlerts } from './pg-alerts.js';
import { PgDatabase } from './pg-database.js';
import { PgIdentityStore } from './pg-identities.js';
import { PgLeases } from './pg-leases.js';
import { PgNotices } from './pg-notices.js';
import { PgRequestStore } from './pg-requests.js';
import { migrate, SchemaTooNewError } from './pg-schema.js';
import { PgAudit, PgClaims, PgConfirmations, PgOutbox } from './pg-stores.js';

/** The PostgreSQL storage, with the pool it runs on (for the doctor and tests). */
export interface PostgresStorage extends Storage {
  readonly db: PgDatabase;
  readonly notices: PgNotices;
  readonly leases: PgLeases;
}

/**
 * Connects to `url`, applies missing migrations (safe when several replicas start at once) and returns every
 * storage port on it. Throws StartupError with the fix when the database cannot be used.
 */
export async function openPostgresStorage(
  url: string,
  log: Logger,
  options: { readonly poolSize?: number; readonly idleInTransactionMs?: number } = {},
): Promise<PostgresStorage> {
  const db = new PgDatabase(url, log.child({ component: 'postgres' }), {
    max: options.poolSize,
    idleInTransactionMs: options.idleInTransactionMs,
  });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied, database: db.where }, 'PostgreSQL schema migrated');
  } catch (err) {
    await db.close().catch(() => undefined);
    if (err instanceof SchemaTooNewError) {
      throw new StartupError(
        `${err.message} (${db.where})`,
        'run the release that migrated it (or a newer one); this release does not downgrade a schema',
        { cause: err },
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new StartupError(
      `cannot use PostgreSQL at ${db.where} (${reason})`,
      'check DATABASE_URL (host, port, database, user and password) and that the server is running and reachable from here',
      { cause: err },
    );
  }
  const notices = new PgNotices(url, (sql, params) => db.query(sql, params), log.child({ component: 'postgres' }));
  return {
    db,
    requests: new PgRequestStore(db),
    claims: new PgClaims(db),
    outbox: new PgOutbox(db),
    alerts: new PgAlerts(db),
    confirmations: new PgConfirmations(db),
    audit: new PgAudit(db),
    identities: new PgIdentityStore(db),
    leases: new PgLeases(db),
    notices,
    health: async () => {
      try {
        await db.query('SELECT 1');
        return { reachable: true, detail: db.where };
      } catch (err) {
        return { reachable: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    close: async () => {
      await notices.close();
      await db.close();
    },
  };
}
