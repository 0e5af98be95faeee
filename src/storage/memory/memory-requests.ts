import type { DecisionFailure } from '../../pairing/decision-failure.js';
import type {
  ApprovalEnd,
  ApprovalState,
  PairingRequest,
  RequestKind,
  RequestRecord,
  RequestStatus,
  Resolver,
} from '../../pairing/types.js';
import { type CardLocation, keyString, type RequestKey, type RequestStore } from '../ports.js';

interface Row extends RequestRecord {
  dirty: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const byAge = (a: RequestRecord, b: RequestRecord) =>
  a.createdAtMs - b.createdAtMs || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0);

/** Requests in memory; every read returns a copy, as a database would. */
export class MemoryRequestStore implements RequestStore {
  private readonly rows = new Map<string, Mutable<Row>>();

  /** `onDirty` hears of every record whose card is queued (the memory version of the PostgreSQL trigger). */
  constructor(private readonly onDirty: (gateway: string) => void = () => {}) {}

  private out(row: Row): RequestRecord {
    const { dirty: _, ...record } = structuredClone(row);
    return record;
  }

  private row(key: RequestKey): Mutable<Row> | undefined {
    return this.rows.get(keyString(key));
  }

  private bump(row: Mutable<Row>): void {
    row.dirty = true;
    row.version += 1;
    this.onDirty(row.gateway);
  }

  async insertPending(gateway: string, request: PairingRequest, fingerprint: string, nowMs: number): Promise<boolean> {
    const key = keyString({ gateway, kind: request.kind, requestId: request.requestId });
    if (this.rows.has(key)) return false;
    this.rows.set(key, {
      gateway,
      kind: request.kind,
      requestId: request.requestId,
      request: structuredClone(request),
      fingerprint,
      status: 'pending',
      channel: undefined,
      ts: undefined,
      resolvedBy: undefined,
      resolvedAtMs: undefined,
      lastFailure: undefined,
      version: 1,
      postAttemptAtMs: undefined,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      dirty: true,
    });
    this.onDirty(gateway);
    return true;
  }

  async updateRequest(key: RequestKey, request: PairingRequest, fingerprint: string, nowMs: number): Promise<void> {
    const row = this.row(key);
    if (row?.status !== 'pending') return;
    row.request = structuredClone(request);
    row.fingerprint = fingerprint;
    row.approval = undefined;
    row.updatedAtMs = nowMs;
    this.bump(row);
  }

  async get(key: RequestKey): Promise<RequestRecord | undefined> {
    const row = this.row(key);
    return row ? this.out(row) : undefined;
  }

  async findByRequestId(requestId: string, gateway?: string): Promise<RequestRecord[]> {
    return this.select((r) => r.requestId === requestId && (gateway === undefined || r.gateway === gateway));
  }

  async listByStatus(status: RequestStatus, gateway?: string): Promise<RequestRecord[]> {
    return this.select((r) => r.status === status && (gateway === undefined || r.gateway === gateway));
  }

  async listPendingOf(gateway: string, kind: RequestKind, subjectId: string): Promise<RequestRecord[]> {
    return this.select(
      (r) => r.status === 'pending' && r.gateway === gateway && r.kind === kind && r.request.subjectId === subjectId,
    );
  }

  async listByCard(location: CardLocation): Promise<RequestRecord[]> {
    return this.select((r) => r.channel === location.channel && r.ts === location.ts);
  }

  async resolve(
    key: RequestKey,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
    untilMs?: number,
  ): Promise<boolean> {
    const row = this.row(key);
    if (row?.status !== 'pending') return false;
    Object.assign(row, { status, resolvedBy: by, resolvedAtMs: nowMs, lastFailure: undefined, updatedAtMs: nowMs });
    if (untilMs !== undefined) row.approval = { ...row.approval, untilMs };
    this.bump(row);
    return true;
  }

  async setApproval(key: RequestKey, approval: ApprovalState, seenVersion: number, nowMs: number): Promise<boolean> {
    const row = this.row(key);
    if (row?.version !== seenVersion) return false;
    row.approval = structuredClone(approval);
    row.updatedAtMs = nowMs;
    this.bump(row);
    return true;
  }

  async endApproval(key: RequestKey, end: ApprovalEnd, nowMs: number): Promise<boolean> {
    const row = this.row(key);
    if (row?.status !== 'approved') return false;
    row.status = 'removed';
    row.approval = { ...row.approval, untilMs: undefined, ended: structuredClone(end) };
    row.updatedAtMs = nowMs;
    this.bump(row);
    return true;
  }

  async listExpired(nowMs: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    return this.select(
      (r) =>
        r.status === 'approved' &&
        r.approval?.untilMs !== undefined &&
        r.approval.untilMs <= nowMs &&
        (gateways === undefined || gateways.includes(r.gateway)),
    ).sort((a, b) => (a.approval?.untilMs ?? 0) - (b.approval?.untilMs ?? 0));
  }

  async setFailure(key: RequestKey, failure: DecisionFailure | undefined, nowMs: number): Promise<void> {
    const row = this.row(key);
    if (!row) return;
    row.lastFailure = failure === undefined ? undefined : structuredClone(failure);
    row.updatedAtMs = nowMs;
    this.bump(row);
  }

  async markDirty(key: RequestKey): Promise<void> {
    const row = this.row(key);
    if (row) this.bump(row);
  }

  async placeOnCard(key: RequestKey, location: CardLocation): Promise<void> {
    const row = this.row(key);
    if (!row) return;
    row.channel = location.channel;
    row.ts = location.ts;
    this.bump(row);
  }

  async listDirty(limit: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    return this.select((r) => r.dirty && (gateways === undefined || gateways.includes(r.gateway))).slice(0, limit);
  }

  async markSynced(key: RequestKey, location: CardLocation, seenVersion: number): Promise<void> {
    const row = this.row(key);
    if (!row) return;
    row.channel = location.channel;
    row.ts = location.ts;
    if (row.version === seenVersion) row.dirty = false;
  }

  async markReminded(key: RequestKey, n: number): Promise<boolean> {
    const row = this.rows.get(keyString(key));
    if (row?.status !== 'pending' || (row.reminders ?? 0) >= n) return false;
    row.reminders = n;
    return true;
  }

  async markPostAttempt(key: RequestKey, nowMs: number): Promise<void> {
    const row = this.row(key);
    if (row) row.postAttemptAtMs = nowMs;
  }

  private select(match: (row: Row) => boolean): RequestRecord[] {
    return [...this.rows.values()]
      .filter(match)
      .sort(byAge)
      .map((r) => this.out(r));
  }
}
