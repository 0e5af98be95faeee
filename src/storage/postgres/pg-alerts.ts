import { withRecovered } from '../alert-records.js';
import type { Lease, NodeAlertRecord, NodeAlertStore } from '../ports.js';
import type { PgDatabase } from './pg-database.js';

interface Row {
  body: NodeAlertRecord;
}

/** Node alerts in PostgreSQL; only the holder of the gateway's lease writes them (through a fenced store). */
export class PgAlerts implements NodeAlertStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly lease?: Lease,
  ) {}

  private write(sql: string, params: readonly unknown[]): Promise<object[]> {
    return this.lease ? this.db.fencedQuery(this.lease, sql, params) : this.db.query(sql, params);
  }

  async open(alert: Omit<NodeAlertRecord, 'recovered' | 'closedAtMs' | 'ts'>): Promise<void> {
    const record: NodeAlertRecord = { ...alert, recovered: [], closedAtMs: undefined, ts: undefined };
    await this.write(
      `INSERT INTO node_alerts (gateway, key, body, opened_at_ms, closed_at_ms) VALUES ($1, $2, $3, $4, NULL)
       ON CONFLICT (gateway, key) DO NOTHING`,
      [alert.gateway, alert.key, JSON.stringify(record), alert.openedAtMs],
    );
  }

  async get(gateway: string, key: string): Promise<NodeAlertRecord | undefined> {
    const [row] = await this.db.query<Row>('SELECT body FROM node_alerts WHERE gateway = $1 AND key = $2', [
      gateway,
      key,
    ]);
    return row?.body;
  }

  async listOpen(gateway: string): Promise<NodeAlertRecord[]> {
    const rows = await this.db.query<Row>(
      'SELECT body FROM node_alerts WHERE gateway = $1 AND closed_at_ms IS NULL ORDER BY opened_at_ms',
      [gateway],
    );
    return rows.map((r) => r.body);
  }

  async listClosedSince(gateway: string, sinceMs: number): Promise<NodeAlertRecord[]> {
    const rows = await this.db.query<Row>(
      'SELECT body FROM node_alerts WHERE gateway = $1 AND closed_at_ms >= $2 ORDER BY opened_at_ms',
      [gateway, sinceMs],
    );
    return rows.map((r) => r.body);
  }

  async recover(gateway: string, key: string, nodeIds: readonly string[], nowMs: number) {
    return this.change(gateway, key, (row) => withRecovered(row, nodeIds, nowMs));
  }

  async place(gateway: string, key: string, ts: string): Promise<void> {
    await this.change(gateway, key, (row) => ({ ...row, ts }));
  }

  /** Read, change, compare-and-set (the row is only ever written by one process, the lease holder; a retry covers a race). */
  private async change(gateway: string, key: string, next: (row: NodeAlertRecord) => NodeAlertRecord) {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = await this.get(gateway, key);
      if (!current) return undefined;
      const updated = next(current);
      const rows = await this.write(
        `UPDATE node_alerts SET body = $3, closed_at_ms = $4
         WHERE gateway = $1 AND key = $2 AND body = $5::jsonb RETURNING key`,
        [gateway, key, JSON.stringify(updated), updated.closedAtMs ?? null, JSON.stringify(current)],
      );
      if (rows.length === 1) return updated;
    }
    throw new Error(`node alert ${key} kept changing under a concurrent writer`);
  }
}
