import { withRecovered } from '../alert-records.js';
import type { NodeAlertRecord, NodeAlertStore } from '../ports.js';
import type { SqliteHandle } from './statements.js';

interface Row {
  body_json: string;
}

/** Node alerts in state.db: one row per alert, its record as JSON, `closed_at_ms` for the queries. */
export class SqliteAlerts implements NodeAlertStore {
  constructor(private readonly db: SqliteHandle) {}

  async open(alert: Omit<NodeAlertRecord, 'recovered' | 'closedAtMs' | 'ts'>): Promise<void> {
    const record: NodeAlertRecord = { ...alert, recovered: [], closedAtMs: undefined, ts: undefined };
    this.db
      .prepare(
        'INSERT OR IGNORE INTO node_alerts (gateway, key, body_json, closed_at_ms, opened_at_ms) VALUES (?, ?, ?, NULL, ?)',
      )
      .run(alert.gateway, alert.key, JSON.stringify(record), alert.openedAtMs);
  }

  async get(gateway: string, key: string): Promise<NodeAlertRecord | undefined> {
    const row = this.db.prepare('SELECT body_json FROM node_alerts WHERE gateway = ? AND key = ?').get(gateway, key) as
      | Row
      | undefined;
    return row ? (JSON.parse(row.body_json) as NodeAlertRecord) : undefined;
  }

  async listOpen(gateway: string): Promise<NodeAlertRecord[]> {
    const rows = this.db
      .prepare('SELECT body_json FROM node_alerts WHERE gateway = ? AND closed_at_ms IS NULL ORDER BY opened_at_ms')
      .all(gateway) as Row[];
    return rows.map((r) => JSON.parse(r.body_json) as NodeAlertRecord);
  }

  async listClosedSince(gateway: string, sinceMs: number): Promise<NodeAlertRecord[]> {
    const rows = this.db
      .prepare('SELECT body_json FROM node_alerts WHERE gateway = ? AND closed_at_ms >= ? ORDER BY opened_at_ms')
      .all(gateway, sinceMs) as Row[];
    return rows.map((r) => JSON.parse(r.body_json) as NodeAlertRecord);
  }

  async recover(gateway: string, key: string, nodeIds: readonly string[], nowMs: number) {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('SELECT body_json FROM node_alerts WHERE gateway = ? AND key = ?')
          .get(gateway, key) as Row | undefined;
        if (!row) return undefined;
        const next = withRecovered(JSON.parse(row.body_json) as NodeAlertRecord, nodeIds, nowMs);
        this.db
          .prepare('UPDATE node_alerts SET body_json = ?, closed_at_ms = ? WHERE gateway = ? AND key = ?')
          .run(JSON.stringify(next), next.closedAtMs ?? null, gateway, key);
        return next;
      })
      .immediate();
  }

  async place(gateway: string, key: string, ts: string): Promise<void> {
    this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT body_json FROM node_alerts WHERE gateway = ? AND key = ?')
        .get(gateway, key) as Row | undefined;
      if (!row) return;
      const next = { ...(JSON.parse(row.body_json) as NodeAlertRecord), ts };
      this.db
        .prepare('UPDATE node_alerts SET body_json = ? WHERE gateway = ? AND key = ?')
        .run(JSON.stringify(next), gateway, key);
    })();
  }
}
