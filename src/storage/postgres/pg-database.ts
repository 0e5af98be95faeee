import pg from 'pg';
import type { Logger } from 'pino';
import { LeaseLostError, StorageUnavailableError } from '../../errors.js';
import type { Lease } from '../ports.js';

/** SQLSTATE classes and codes that mean "the server is not there right now", not "the statement is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '25P03', '55P03']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|the database system is/i;

/** True for errors that say the database cannot be reached (network, shutdown, restart), not that SQL failed. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, EPIPE…
  }
  return UNAVAILABLE_MESSAGES.test(err.message);
}

/** `postgres://user@host:port/db` without the password or query, for logs and messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** A query's rows; bigint columns come back as strings from `pg` and are converted by the callers. */
export type Rows<R> = R[];

/** The pool every PostgreSQL store shares, with connection failures turned into StorageUnavailableError. */
export class PgDatabase {
  readonly pool: pg.Pool;
  readonly where: string;

  constructor(
    readonly url: string,
    private readonly log: Logger,
    options: { readonly max?: number; readonly idleInTransactionMs?: number } = {},
  ) {
    this.where = describeDatabaseUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A statement that hangs (a lock, a server that stopped answering) fails instead of holding a click.
      query_timeout: 15_000,
      application_name: 'openclaw-slack-ops',
      // A process frozen inside a transaction (a pause, a stopped VM) must not hold the lease row's lock, and so
      // the take-over, for longer than this: the server ends its session.
      idle_in_transaction_session_timeout: options.idleInTransactionMs ?? 5_000,
      // Nobody waits on a lock forever: the statement fails, and its caller retries.
      lock_timeout: 3_000,
    });
    // An idle client whose server went away emits here; without a listener that would end the process.
    this.pool.on('error', (err) => this.log.warn({ err: { message: err.message } }, 'PostgreSQL connection lost'));
  }

  /** Runs one statement. */
  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<Rows<R>> {
    try {
      const result = await this.pool.query<R>(sql, params as unknown[]);
      return result.rows;
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK on any error). */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.wrap(err);
    }
    let broken = false;
    // pg-pool takes its error listener off a checked-out client: a server that goes away between two queries of
    // this transaction would otherwise emit an unhandled 'error' and end the process.
    const onError = (err: Error) => {
      broken = true;
      this.log.warn({ err: { message: err.message } }, 'PostgreSQL connection lost during a transaction');
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const value = await work(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      broken = broken || isUnavailable(err);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw this.wrap(err);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /**
   * Runs one write only while `lease` is held at its epoch, in one transaction: the lease row is read FOR SHARE, so
   * a takeover (which updates that row) waits for this write to commit, and a write after a takeover is refused.
   */
  async fencedQuery<R extends object>(lease: Lease, sql: string, params: readonly unknown[] = []): Promise<Rows<R>> {
    return this.transaction(async (client) => {
      const held = await client.query(
        `SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp() FOR SHARE`,
        [lease.name, lease.holder, lease.epoch],
      );
      if (held.rowCount !== 1) throw new LeaseLostError(lease.name);
      return (await client.query<R>(sql, params as unknown[])).rows;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private wrap(err: unknown): unknown {
    if (err instanceof StorageUnavailableError || err instanceof LeaseLostError) return err;
    if (isUnavailable(err)) {
      const reason = err instanceof Error ? err.message : String(err);
      return new StorageUnavailableError(`PostgreSQL at ${this.where} is unreachable (${reason})`, { cause: err });
    }
    return err;
  }
}

/** A bigint (or numeric) column as a number; undefined for NULL. */
export function num(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : Number(value);
}
