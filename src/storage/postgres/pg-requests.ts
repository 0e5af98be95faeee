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
import { approvalJson, readApproval } from '../approval-columns.js';
import type { CardLocation, Lease, RequestKey, RequestStore } from '../ports.js';
import { num, type PgDatabase } from './pg-database.js';

interface RequestRow {
  gateway: string;
  kind: RequestKind;
  request_id: string;
  request: PairingRequest;
  fingerprint: string;
  status: RequestStatus;
  channel: string | null;
  ts: string | null;
  resolved_by: Resolver | null;
  resolved_at_ms: string | null;
  last_failure: DecisionFailure | null;
  version: number;
  post_attempt_ms: string | null;
  reminders: number | null;
  approval: object | null;
  expires_at_ms: string | null;
  created_at_ms: string;
  updated_at_ms: string;
}

const toRecord = (row: RequestRow): RequestRecord => ({
  gateway: row.gateway,
  kind: row.kind,
  requestId: row.request_id,
  request: row.request,
  fingerprint: row.fingerprint,
  status: row.status,
  channel: row.channel ?? undefined,
  ts: row.ts ?? undefined,
  resolvedBy: row.resolved_by ?? undefined,
  resolvedAtMs: num(row.resolved_at_ms),
  lastFailure: row.last_failure ?? undefined,
  version: row.version,
  postAttemptAtMs: num(row.post_attempt_ms),
  reminders: row.reminders ?? 0,
  approval: readApproval(row.approval, num(row.expires_at_ms)),
  createdAtMs: Number(row.created_at_ms),
  updatedAtMs: Number(row.updated_at_ms),
});

const KEY = 'gateway = $1 AND kind = $2 AND request_id = $3';
const ORDER = 'ORDER BY created_at_ms, request_id';
const keyArgs = (k: RequestKey) => [k.gateway, k.kind, k.requestId];

/** Requests and their card outbox in PostgreSQL; with a lease, every write is fenced by it. */
export class PgRequestStore implements RequestStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly lease?: Lease,
  ) {}

  private async all(sql: string, params: readonly unknown[]): Promise<RequestRecord[]> {
    return (await this.db.query<RequestRow>(sql, params)).map(toRecord);
  }

  private write(sql: string, params: readonly unknown[]): Promise<object[]> {
    return this.lease ? this.db.fencedQuery(this.lease, sql, params) : this.db.query(sql, params);
  }

  async insertPending(gateway: string, request: PairingRequest, fingerprint: string, nowMs: number): Promise<boolean> {
    const rows = await this.write(
      `INSERT INTO requests (gateway, kind, request_id, subject_id, request, fingerprint, status, dirty, created_at_ms, updated_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', true, $7, $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [gateway, request.kind, request.requestId, request.subjectId, JSON.stringify(request), fingerprint, nowMs],
    );
    return rows.length === 1;
  }

  async updateRequest(key: RequestKey, request: PairingRequest, fingerprint: string, nowMs: number): Promise<void> {
    await this.write(
      `UPDATE requests SET request = $4, fingerprint = $5, approval = NULL, expires_at_ms = NULL, dirty = true,
       version = version + 1, updated_at_ms = $6 WHERE ${KEY} AND status = 'pending'`,
      [...keyArgs(key), JSON.stringify(request), fingerprint, nowMs],
    );
  }

  async get(key: RequestKey): Promise<RequestRecord | undefined> {
    return (await this.all(`SELECT * FROM requests WHERE ${KEY}`, keyArgs(key)))[0];
  }

  async findByRequestId(requestId: string, gateway?: string): Promise<RequestRecord[]> {
    return gateway === undefined
      ? this.all(`SELECT * FROM requests WHERE request_id = $1 ${ORDER}`, [requestId])
      : this.all(`SELECT * FROM requests WHERE request_id = $1 AND gateway = $2 ${ORDER}`, [requestId, gateway]);
  }

  async listByStatus(status: RequestStatus, gateway?: string): Promise<RequestRecord[]> {
    return gateway === undefined
      ? this.all(`SELECT * FROM requests WHERE status = $1 ${ORDER}`, [status])
      : this.all(`SELECT * FROM requests WHERE status = $1 AND gateway = $2 ${ORDER}`, [status, gateway]);
  }

  async listPendingOf(gateway: string, kind: RequestKind, subjectId: string): Promise<RequestRecord[]> {
    return this.all(
      `SELECT * FROM requests WHERE status = 'pending' AND gateway = $1 AND kind = $2 AND subject_id = $3 ${ORDER}`,
      [gateway, kind, subjectId],
    );
  }

  async listByCard(location: CardLocation): Promise<RequestRecord[]> {
    return this.all(`SELECT * FROM requests WHERE channel = $1 AND ts = $2 ${ORDER}`, [location.channel, location.ts]);
  }

  async resolve(
    key: RequestKey,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
    untilMs?: number,
  ): Promise<boolean> {
    const rows = await this.write(
      `UPDATE requests SET status = $4, resolved_by = $5, resolved_at_ms = $6, last_failure = NULL, expires_at_ms = $7,
       dirty = true, version = version + 1, updated_at_ms = $6 WHERE ${KEY} AND status = 'pending' RETURNING 1`,
      [...keyArgs(key), status, by ? JSON.stringify(by) : null, nowMs, untilMs ?? null],
    );
    return rows.length === 1;
  }

  async setApproval(key: RequestKey, approval: ApprovalState, seenVersion: number, nowMs: number): Promise<boolean> {
    const rows = await this.write(
      `UPDATE requests SET approval = $4, expires_at_ms = $5, dirty = true, version = version + 1, updated_at_ms = $6
       WHERE ${KEY} AND version = $7 RETURNING 1`,
      [...keyArgs(key), approvalJson(approval), approval.untilMs ?? null, nowMs, seenVersion],
    );
    return rows.length === 1;
  }

  async endApproval(key: RequestKey, end: ApprovalEnd, nowMs: number): Promise<boolean> {
    // One statement: the state is merged in SQL, so a concurrent change cannot be lost.
    const rows = await this.write(
      `UPDATE requests SET status = 'removed', approval = COALESCE(approval, '{}'::jsonb) || jsonb_build_object('ended', $4::jsonb),
       expires_at_ms = NULL, dirty = true, version = version + 1, updated_at_ms = $5
       WHERE ${KEY} AND status = 'approved' RETURNING 1`,
      [...keyArgs(key), JSON.stringify(end), nowMs],
    );
    return rows.length === 1;
  }

  async listExpired(nowMs: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    const due = "status = 'approved' AND expires_at_ms IS NOT NULL AND expires_at_ms <= $1";
    return gateways === undefined
      ? this.all(`SELECT * FROM requests WHERE ${due} ORDER BY expires_at_ms`, [nowMs])
      : this.all(`SELECT * FROM requests WHERE ${due} AND gateway = ANY($2::text[]) ORDER BY expires_at_ms`, [
          nowMs,
          gateways,
        ]);
  }

  async setFailure(key: RequestKey, failure: DecisionFailure | undefined, nowMs: number): Promise<void> {
    await this.write(
      `UPDATE requests SET last_failure = $4, dirty = true, version = version + 1, updated_at_ms = $5 WHERE ${KEY}`,
      [...keyArgs(key), failure === undefined ? null : JSON.stringify(failure), nowMs],
    );
  }

  async markDirty(key: RequestKey): Promise<void> {
    await this.write(`UPDATE requests SET dirty = true, version = version + 1 WHERE ${KEY}`, keyArgs(key));
  }

  async placeOnCard(key: RequestKey, location: CardLocation): Promise<void> {
    await this.write(`UPDATE requests SET channel = $4, ts = $5, dirty = true, version = version + 1 WHERE ${KEY}`, [
      ...keyArgs(key),
      location.channel,
      location.ts,
    ]);
  }

  async listDirty(limit: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    return gateways === undefined
      ? this.all(`SELECT * FROM requests WHERE dirty ${ORDER} LIMIT $1`, [limit])
      : this.all(`SELECT * FROM requests WHERE dirty AND gateway = ANY($2::text[]) ${ORDER} LIMIT $1`, [
          limit,
          gateways,
        ]);
  }

  async markSynced(key: RequestKey, location: CardLocation, seenVersion: number): Promise<void> {
    await this.write(
      `UPDATE requests SET channel = $4, ts = $5, dirty = CASE WHEN version = $6 THEN false ELSE dirty END WHERE ${KEY}`,
      [...keyArgs(key), location.channel, location.ts, seenVersion],
    );
  }

  async markPostAttempt(key: RequestKey, nowMs: number): Promise<void> {
    await this.write(`UPDATE requests SET post_attempt_ms = $4 WHERE ${KEY}`, [...keyArgs(key), nowMs]);
  }

  async markReminded(key: RequestKey, n: number): Promise<boolean> {
    const rows = await this.write(
      `UPDATE requests SET reminders = $4 WHERE ${KEY} AND status = 'pending' AND reminders < $4 RETURNING request_id`,
      [...keyArgs(key), n],
    );
    return rows.length === 1;
  }
}
