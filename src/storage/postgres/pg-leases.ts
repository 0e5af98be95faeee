import type { FencedStores, Lease, LeaseInfo, LeaseStore } from '../ports.js';
import { PgAlerts } from './pg-alerts.js';
import type { PgDatabase } from './pg-database.js';
import { PgRequestStore } from './pg-requests.js';
import { PgOutbox } from './pg-stores.js';

const ttl = (ms: number) => `${Math.max(1, Math.round(ms))} milliseconds`;

/** Leases in one row each; expiry is the database's clock (clock_timestamp), never a replica's. */
export class PgLeases implements LeaseStore {
  constructor(private readonly db: PgDatabase) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await this.db.query<{ epoch: string }>(
      `INSERT INTO leases AS l (name, holder, epoch, expires_at, acquired_at)
       VALUES ($1, $2, 1, clock_timestamp() + $3::interval, clock_timestamp())
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, epoch = l.epoch + 1,
         expires_at = EXCLUDED.expires_at, acquired_at = EXCLUDED.acquired_at
       WHERE l.expires_at <= clock_timestamp() OR l.holder = EXCLUDED.holder
       RETURNING epoch`,
      [name, holder, ttl(ttlMs)],
    );
    return row ? { name, holder, epoch: Number(row.epoch) } : undefined;
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE leases SET expires_at = clock_timestamp() + $4::interval
       WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp() RETURNING 1`,
      [lease.name, lease.holder, lease.epoch, ttl(ttlMs)],
    );
    return rows.length === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.db.query(
      `UPDATE leases SET expires_at = clock_timestamp()
       WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()`,
      [lease.name, lease.holder, lease.epoch],
    );
  }

  async current(name: string): Promise<LeaseInfo | undefined> {
    const [row] = await this.db.query<{ holder: string; epoch: string; left_ms: number }>(
      `SELECT holder, epoch, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS left_ms
       FROM leases WHERE name = $1 AND expires_at > clock_timestamp()`,
      [name],
    );
    return row ? { name, holder: row.holder, epoch: Number(row.epoch), expiresInMs: row.left_ms } : undefined;
  }

  fenced(lease: Lease): FencedStores {
    return {
      requests: new PgRequestStore(this.db, lease),
      outbox: new PgOutbox(this.db, lease),
      alerts: new PgAlerts(this.db, lease),
    };
  }
}
