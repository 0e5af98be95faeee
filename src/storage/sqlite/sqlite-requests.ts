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
import type { CardLocation, RequestKey, RequestStore } from '../ports.js';
import type { SqliteHandle } from './statements.js';

interface RequestRow {
  gateway: string;
  kind: RequestKind;
  request_id: string;
  request_json: string;
  fingerprint: string;
  status: RequestStatus;
  channel: string | null;
  ts: string | null;
  resolved_by: string | null;
  resolved_at_ms: number | null;
  last_error: string | null;
  version: number;
  post_attempt_ms: number | null;
  reminders: number | null;
  approval_json: string | null;
  expires_at_ms: number | null;
  created_at_ms: number;
  updated_at_ms: number;
}

/** A stored failure: JSON codes, or (older releases) plain text. */
function readFailure(text: string | null): DecisionFailure | undefined {
  if (text === null) return undefined;
  try {
    const parsed = JSON.parse(text) as { code?: unknown };
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.code === 'string')
      return parsed as DecisionFailure;
  } catch {
    // not JSON: the text of an older release
  }
  return { code: 'note', message: text };
}

const toRecord = (row: RequestRow): RequestRecord => ({
  gateway: row.gateway,
  kind: row.kind,
  requestId: row.request_id,
  request: JSON.parse(row.request_json) as PairingRequest,
  fingerprint: row.fingerprint,
  status: row.status,
  channel: row.channel ?? undefined,
  ts: row.ts ?? undefined,
  resolvedBy: row.resolved_by ? (JSON.parse(row.resolved_by) as Resolver) : undefined,
  resolvedAtMs: row.resolved_at_ms ?? undefined,
  lastFailure: readFailure(row.last_error),
  version: row.version,
  postAttemptAtMs: row.post_attempt_ms ?? undefined,
  reminders: row.reminders ?? 0,
  approval: readApproval(row.approval_json, row.expires_at_ms ?? undefined),
  createdAtMs: row.created_at_ms,
  updatedAtMs: row.updated_at_ms,
});

const KEY = 'gateway = ? AND kind = ? AND request_id = ?';
const ORDER = 'ORDER BY created_at_ms, request_id';
const keyArgs = (k: RequestKey) => [k.gateway, k.kind, k.requestId] as const;

/** Requests and their card outbox in SQLite (synchronous underneath, async at the port). */
export class SqliteRequestStore implements RequestStore {
  constructor(private readonly db: SqliteHandle) {}

  private all(sql: string, ...args: unknown[]): RequestRecord[] {
    return (this.db.prepare(sql).all(...args) as RequestRow[]).map(toRecord);
  }

  async insertPending(gateway: string, request: PairingRequest, fingerprint: string, nowMs: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO requests (gateway, kind, request_id, subject_id, request_json, fingerprint, status, dirty, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?)`,
      )
      .run(
        gateway,
        request.kind,
        request.requestId,
        request.subjectId,
        JSON.stringify(request),
        fingerprint,
        nowMs,
        nowMs,
      );
    return result.changes === 1;
  }

  async updateRequest(key: RequestKey, request: PairingRequest, fingerprint: string, nowMs: number): Promise<void> {
    this.db
      .prepare(
        `UPDATE requests SET request_json = ?, fingerprint = ?, approval_json = NULL, expires_at_ms = NULL, dirty = 1,
         version = version + 1, updated_at_ms = ? WHERE ${KEY} AND status = 'pending'`,
      )
      .run(JSON.stringify(request), fingerprint, nowMs, ...keyArgs(key));
  }

  async get(key: RequestKey): Promise<RequestRecord | undefined> {
    const row = this.db.prepare(`SELECT * FROM requests WHERE ${KEY}`).get(...keyArgs(key)) as RequestRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async findByRequestId(requestId: string, gateway?: string): Promise<RequestRecord[]> {
    return gateway === undefined
      ? this.all(`SELECT * FROM requests WHERE request_id = ? ${ORDER}`, requestId)
      : this.all(`SELECT * FROM requests WHERE request_id = ? AND gateway = ? ${ORDER}`, requestId, gateway);
  }

  async listByStatus(status: RequestStatus, gateway?: string): Promise<RequestRecord[]> {
    return gateway === undefined
      ? this.all(`SELECT * FROM requests WHERE status = ? ${ORDER}`, status)
      : this.all(`SELECT * FROM requests WHERE status = ? AND gateway = ? ${ORDER}`, status, gateway);
  }

  async listPendingOf(gateway: string, kind: RequestKind, subjectId: string): Promise<RequestRecord[]> {
    return this.all(
      `SELECT * FROM requests WHERE status = 'pending' AND gateway = ? AND kind = ? AND subject_id = ? ${ORDER}`,
      gateway,
      kind,
      subjectId,
    );
  }

  async listByCard(location: CardLocation): Promise<RequestRecord[]> {
    return this.all(`SELECT * FROM requests WHERE channel = ? AND ts = ? ${ORDER}`, location.channel, location.ts);
  }

  async resolve(
    key: RequestKey,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
    untilMs?: number,
  ): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE requests SET status = ?, resolved_by = ?, resolved_at_ms = ?, last_error = NULL, expires_at_ms = ?,
         dirty = 1, version = version + 1, updated_at_ms = ? WHERE ${KEY} AND status = 'pending'`,
      )
      .run(status, by ? JSON.stringify(by) : null, nowMs, untilMs ?? null, nowMs, ...keyArgs(key));
    return result.changes === 1;
  }

  async setApproval(key: RequestKey, approval: ApprovalState, seenVersion: number, nowMs: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE requests SET approval_json = ?, expires_at_ms = ?, dirty = 1, version = version + 1, updated_at_ms = ?
         WHERE ${KEY} AND version = ?`,
      )
      .run(approvalJson(approval), approval.untilMs ?? null, nowMs, ...keyArgs(key), seenVersion);
    return result.changes === 1;
  }

  async endApproval(key: RequestKey, end: ApprovalEnd, nowMs: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.db.prepare(`SELECT * FROM requests WHERE ${KEY}`).get(...keyArgs(key)) as
          | RequestRow
          | undefined;
        if (row?.status !== 'approved') return false;
        const approval = { ...toRecord(row).approval, ended: end };
        this.db
          .prepare(
            `UPDATE requests SET status = 'removed', approval_json = ?, expires_at_ms = NULL, dirty = 1,
           version = version + 1, updated_at_ms = ? WHERE ${KEY}`,
          )
          .run(approvalJson(approval), nowMs, ...keyArgs(key));
        return true;
      })
      .immediate();
  }

  async listExpired(nowMs: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    const due = "status = 'approved' AND expires_at_ms IS NOT NULL AND expires_at_ms <= ?";
    if (gateways === undefined) return this.all(`SELECT * FROM requests WHERE ${due} ORDER BY expires_at_ms`, nowMs);
    if (gateways.length === 0) return [];
    const marks = gateways.map(() => '?').join(', ');
    return this.all(
      `SELECT * FROM requests WHERE ${due} AND gateway IN (${marks}) ORDER BY expires_at_ms`,
      nowMs,
      ...gateways,
    );
  }

  async setFailure(key: RequestKey, failure: DecisionFailure | undefined, nowMs: number): Promise<void> {
    this.db
      .prepare(`UPDATE requests SET last_error = ?, dirty = 1, version = version + 1, updated_at_ms = ? WHERE ${KEY}`)
      .run(failure === undefined ? null : JSON.stringify(failure), nowMs, ...keyArgs(key));
  }

  async markDirty(key: RequestKey): Promise<void> {
    this.db.prepare(`UPDATE requests SET dirty = 1, version = version + 1 WHERE ${KEY}`).run(...keyArgs(key));
  }

  async placeOnCard(key: RequestKey, location: CardLocation): Promise<void> {
    this.db
      .prepare(`UPDATE requests SET channel = ?, ts = ?, dirty = 1, version = version + 1 WHERE ${KEY}`)
      .run(location.channel, location.ts, ...keyArgs(key));
  }

  async listDirty(limit: number, gateways?: readonly string[]): Promise<RequestRecord[]> {
    if (gateways === undefined) return this.all(`SELECT * FROM requests WHERE dirty = 1 ${ORDER} LIMIT ?`, limit);
    if (gateways.length === 0) return [];
    const marks = gateways.map(() => '?').join(', ');
    return this.all(
      `SELECT * FROM requests WHERE dirty = 1 AND gateway IN (${marks}) ${ORDER} LIMIT ?`,
      ...gateways,
      limit,
    );
  }

  async markSynced(key: RequestKey, location: CardLocation, seenVersion: number): Promise<void> {
    this.db
      .prepare(
        `UPDATE requests SET channel = ?, ts = ?, dirty = CASE WHEN version = ? THEN 0 ELSE dirty END WHERE ${KEY}`,
      )
      .run(location.channel, location.ts, seenVersion, ...keyArgs(key));
  }

  async markPostAttempt(key: RequestKey, nowMs: number): Promise<void> {
    this.db.prepare(`UPDATE requests SET post_attempt_ms = ? WHERE ${KEY}`).run(nowMs, ...keyArgs(key));
  }

  async markReminded(key: RequestKey, n: number): Promise<boolean> {
    const result = this.db
      .prepare(`UPDATE requests SET reminders = ? WHERE ${KEY} AND status = 'pending' AND reminders < ?`)
      .run(n, ...keyArgs(key), n);
    return result.changes === 1;
  }
}
