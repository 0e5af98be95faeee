import { LeaseLostError } from '../../errors.js';
import { ALERT_READS, fenceWrites, OUTBOX_READS, REQUEST_READS } from '../fence.js';
import type { FencedStores, Lease, LeaseInfo, LeaseStore, WorkNotice, WorkNotices } from '../ports.js';

interface Row {
  holder: string;
  epoch: number;
  expiresAtMs: number;
}

/** Leases in memory, for bots sharing one process (tests); the clock is injected. */
export class MemoryLeases implements LeaseStore {
  private readonly rows = new Map<string, Row>();

  constructor(
    private readonly stores: FencedStores,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const row = this.rows.get(name);
    const now = this.nowMs();
    if (row && row.expiresAtMs > now && row.holder !== holder) return undefined;
    const epoch = (row?.epoch ?? 0) + 1;
    this.rows.set(name, { holder, epoch, expiresAtMs: now + ttlMs });
    return { name, holder, epoch };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    if (!this.holds(lease)) return false;
    (this.rows.get(lease.name) as Row).expiresAtMs = this.nowMs() + ttlMs;
    return true;
  }

  async release(lease: Lease): Promise<void> {
    if (this.holds(lease)) (this.rows.get(lease.name) as Row).expiresAtMs = this.nowMs();
  }

  async current(name: string): Promise<LeaseInfo | undefined> {
    const row = this.rows.get(name);
    const now = this.nowMs();
    if (!row || row.expiresAtMs <= now) return undefined;
    return { name, holder: row.holder, epoch: row.epoch, expiresInMs: row.expiresAtMs - now };
  }

  fenced(lease: Lease): FencedStores {
    const check = async () => {
      if (!this.holds(lease)) throw new LeaseLostError(lease.name);
    };
    return {
      requests: fenceWrites(this.stores.requests, REQUEST_READS, check),
      outbox: fenceWrites(this.stores.outbox, OUTBOX_READS, check),
      alerts: fenceWrites(this.stores.alerts, ALERT_READS, check),
    };
  }

  private holds(lease: Lease): boolean {
    const row = this.rows.get(lease.name);
    return (
      row !== undefined && row.holder === lease.holder && row.epoch === lease.epoch && row.expiresAtMs > this.nowMs()
    );
  }
}

/** Notices between bots sharing one memory storage; delivered asynchronously, like NOTIFY. */
export class MemoryNotices implements WorkNotices {
  private readonly listeners = new Set<(notice: WorkNotice) => void>();

  async publish(notice: WorkNotice): Promise<void> {
    this.emit(notice);
  }

  /** For the memory stores' own writes. */
  emit(notice: WorkNotice): void {
    for (const listener of this.listeners) queueMicrotask(() => listener(notice));
  }

  subscribe(listener: (notice: WorkNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
