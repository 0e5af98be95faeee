import { withRecovered } from '../alert-records.js';
import type { NodeAlertRecord, NodeAlertStore } from '../ports.js';

/** Node alerts in memory (tests, and the memory storage). */
export class MemoryAlerts implements NodeAlertStore {
  private readonly rows = new Map<string, NodeAlertRecord>();

  private id(gateway: string, key: string): string {
    return `${gateway}\u0000${key}`;
  }

  async open(alert: Omit<NodeAlertRecord, 'recovered' | 'closedAtMs' | 'ts'>): Promise<void> {
    const id = this.id(alert.gateway, alert.key);
    if (this.rows.has(id)) return;
    this.rows.set(id, {
      ...alert,
      nodes: alert.nodes.map((n) => ({ ...n })),
      recovered: [],
      closedAtMs: undefined,
      ts: undefined,
    });
  }

  async get(gateway: string, key: string): Promise<NodeAlertRecord | undefined> {
    return this.rows.get(this.id(gateway, key));
  }

  async listOpen(gateway: string): Promise<NodeAlertRecord[]> {
    return [...this.rows.values()].filter((r) => r.gateway === gateway && r.closedAtMs === undefined);
  }

  async listClosedSince(gateway: string, sinceMs: number): Promise<NodeAlertRecord[]> {
    return [...this.rows.values()].filter(
      (r) => r.gateway === gateway && r.closedAtMs !== undefined && r.closedAtMs >= sinceMs,
    );
  }

  async recover(gateway: string, key: string, nodeIds: readonly string[], nowMs: number) {
    const id = this.id(gateway, key);
    const row = this.rows.get(id);
    if (!row) return undefined;
    const next = withRecovered(row, nodeIds, nowMs);
    this.rows.set(id, next);
    return next;
  }

  async place(gateway: string, key: string, ts: string): Promise<void> {
    const id = this.id(gateway, key);
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ts });
  }
}
