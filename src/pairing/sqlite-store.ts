import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditOutcome } from '../audit/audit-entry.js';
import type { CardLocation, DecisionClaim, PairingStore, QueuedReply } from './store.js';
import type { PairingRequest, RequestKind, RequestRecord, RequestStatus, Resolver } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  kind TEXT NOT NULL, request_id TEXT NOT NULL, subject_id TEXT NOT NULL, request_json TEXT NOT NULL,
  fingerprint TEXT NOT NULL, status TEXT NOT NULL, channel TEXT, ts TEXT, resolved_by TEXT,
  resolved_at_ms INTEGER, last_error TEXT, dirty INTEGER NOT NULL DEFAULT 1, version INTEGER NOT NULL DEFAULT 1, post_attempt_ms INTEGER,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (kind, request_id));
CREATE INDEX IF NOT EXISTS requests_status ON requests (status);
CREATE INDEX IF NOT EXISTS requests_dirty ON requests (dirty, updated_at_ms);
CREATE INDEX IF NOT EXISTS requests_card ON requests (channel, ts);
CREATE TABLE IF NOT EXISTS claims (
  kind TEXT NOT NULL, request_id TEXT NOT NULL, decision TEXT NOT NULL, user_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL, claimed_at_ms INTEGER NOT NULL, PRIMARY KEY (kind, request_id));
CREATE TABLE IF NOT EXISTS replies (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, request_id TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
  attempted_at_ms INTEGER);
CREATE TABLE IF NOT EXISTS confirmations (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, action TEXT NOT NULL, payload_json TEXT NOT NULL,
  status TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, request_id TEXT, fingerprint TEXT, outcome TEXT NOT NULL, detail TEXT);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);
`;

interface RequestRow {
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
  created_at_ms: number;
  updated_at_ms: number;
}

interface ClaimRow {
  kind: RequestKind;
  request_id: string;
  decision: 'approve' | 'reject';
  user_id: string;
  fingerprint: string;
  claimed_at_ms: number;
}

interface AuditRow {
  id: number;
  at_ms: number;
  actor: string;
  action: string;
  gateway: string | null;
  target: string;
  target_name: string | null;
  request_id: string | null;
  fingerprint: string | null;
  params_json: string | null;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  completed_at_ms: number | null;
}

const toAuditEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  atMs: r.at_ms,
  actor: r.actor,
  action: r.action,
  gateway: r.gateway ?? undefined,
  target: r.target,
  targetName: r.target_name ?? undefined,
  requestId: r.request_id ?? undefined,
  fingerprint: r.fingerprint ?? undefined,
  params: r.params_json === null ? undefined : (JSON.parse(r.params_json) as unknown),
  outcome: r.outcome,
  detail: r.detail ?? undefined,
  completedAtMs: r.completed_at_ms ?? undefined,
});

const toRecord = (row: RequestRow): RequestRecord => ({
  kind: row.kind,
  requestId: row.request_id,
  request: JSON.parse(row.request_json) as PairingRequest,
  fingerprint: row.fingerprint,
  status: row.status,
  channel: row.channel ?? undefined,
  ts: row.ts ?? undefined,
  resolvedBy: row.resolved_by ? (JSON.parse(row.resolved_by) as Resolver) : undefined,
  resolvedAtMs: row.resolved_at_ms ?? undefined,
  lastError: row.last_error ?? undefined,
  version: row.version,
  postAttemptAtMs: row.post_attempt_ms ?? undefined,
  createdAtMs: row.created_at_ms,
  updatedAtMs: row.updated_at_ms,
});

const toClaim = (row: ClaimRow): DecisionClaim => ({
  kind: row.kind,
  requestId: row.request_id,
  decision: row.decision,
  userId: row.user_id,
  fingerprint: row.fingerprint,
  claimedAtMs: row.claimed_at_ms,
});

/**
 * Creates the database file owner-only (0600) in an owner-only folder (0700) before SQLite opens it: SQLite gives
 * its -wal and -shm files the database file's mode. Existing files with a looser mode are tightened.
 */
function createPrivateFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(f) && (fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
  }
}

/** SQLite-backed store (WAL, synchronous writes); `':memory:'` gives the in-memory version for tests. */
export class SqliteStore implements PairingStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') createPrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.addColumnIfMissing('requests', 'post_attempt_ms', 'INTEGER');
    this.addColumnIfMissing('replies', 'attempted_at_ms', 'INTEGER');
    this.addColumnIfMissing('audit', 'gateway', 'TEXT');
    this.addColumnIfMissing('audit', 'target_name', 'TEXT');
    this.addColumnIfMissing('audit', 'params_json', 'TEXT');
    this.addColumnIfMissing('audit', 'completed_at_ms', 'INTEGER');
  }

  /** Upgrades a state.db written by an older version in place. */
  private addColumnIfMissing(table: string, column: string, type: string): void {
    const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }

  markPostAttempt(kind: RequestKind, requestId: string, nowMs: number): void {
    this.db
      .prepare('UPDATE requests SET post_attempt_ms = ? WHERE kind = ? AND request_id = ?')
      .run(nowMs, kind, requestId);
  }

  markReplyAttempt(id: number, nowMs: number): void {
    this.db.prepare('UPDATE replies SET attempted_at_ms = ? WHERE id = ?').run(nowMs, id);
  }

  /** Opens `state.db` in the state folder. */
  static open(stateDir: string): SqliteStore {
    return new SqliteStore(path.join(stateDir, 'state.db'));
  }

  insertPending(request: PairingRequest, fingerprint: string, nowMs: number): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO requests (kind, request_id, subject_id, request_json, fingerprint, status, dirty, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, 'pending', 1, ?, ?)`,
      )
      .run(request.kind, request.requestId, request.subjectId, JSON.stringify(request), fingerprint, nowMs, nowMs);
    return result.changes === 1;
  }

  updateRequest(
    kind: RequestKind,
    requestId: string,
    request: PairingRequest,
    fingerprint: string,
    nowMs: number,
  ): void {
    this.db
      .prepare(
        `UPDATE requests SET request_json = ?, fingerprint = ?, dirty = 1, version = version + 1, updated_at_ms = ?
         WHERE kind = ? AND request_id = ? AND status = 'pending'`,
      )
      .run(JSON.stringify(request), fingerprint, nowMs, kind, requestId);
  }

  get(kind: RequestKind, requestId: string): RequestRecord | undefined {
    const row = this.db.prepare('SELECT * FROM requests WHERE kind = ? AND request_id = ?').get(kind, requestId) as
      | RequestRow
      | undefined;
    return row ? toRecord(row) : undefined;
  }

  listByStatus(status: RequestStatus): RequestRecord[] {
    const rows = this.db.prepare('SELECT * FROM requests WHERE status = ? ORDER BY created_at_ms').all(status);
    return (rows as RequestRow[]).map(toRecord);
  }

  listByCard(location: CardLocation): RequestRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM requests WHERE channel = ? AND ts = ? ORDER BY created_at_ms, request_id')
      .all(location.channel, location.ts);
    return (rows as RequestRow[]).map(toRecord);
  }

  resolve(
    kind: RequestKind,
    requestId: string,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
  ): boolean {
    const result = this.db
      .prepare(
        `UPDATE requests SET status = ?, resolved_by = ?, resolved_at_ms = ?, last_error = NULL, dirty = 1, version = version + 1, updated_at_ms = ?
         WHERE kind = ? AND request_id = ? AND status = 'pending'`,
      )
      .run(status, by ? JSON.stringify(by) : null, nowMs, nowMs, kind, requestId);
    return result.changes === 1;
  }

  setError(kind: RequestKind, requestId: string, message: string | undefined, nowMs: number): void {
    this.db
      .prepare(
        'UPDATE requests SET last_error = ?, dirty = 1, version = version + 1, updated_at_ms = ? WHERE kind = ? AND request_id = ?',
      )
      .run(message ?? null, nowMs, kind, requestId);
  }

  markDirty(kind: RequestKind, requestId: string): void {
    this.db
      .prepare('UPDATE requests SET dirty = 1, version = version + 1 WHERE kind = ? AND request_id = ?')
      .run(kind, requestId);
  }

  placeOnCard(kind: RequestKind, requestId: string, location: CardLocation): void {
    this.db
      .prepare(
        'UPDATE requests SET channel = ?, ts = ?, dirty = 1, version = version + 1 WHERE kind = ? AND request_id = ?',
      )
      .run(location.channel, location.ts, kind, requestId);
  }

  listDirty(limit: number): RequestRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM requests WHERE dirty = 1 ORDER BY created_at_ms, request_id LIMIT ?')
      .all(limit);
    return (rows as RequestRow[]).map(toRecord);
  }

  markSynced(kind: RequestKind, requestId: string, location: CardLocation, seenVersion: number): void {
    this.db
      .prepare(
        `UPDATE requests SET channel = ?, ts = ?, dirty = CASE WHEN version = ? THEN 0 ELSE dirty END
         WHERE kind = ? AND request_id = ?`,
      )
      .run(location.channel, location.ts, seenVersion, kind, requestId);
  }

  claim(claim: DecisionClaim): { ok: true } | { ok: false; existing: DecisionClaim } {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO claims (kind, request_id, decision, user_id, fingerprint, claimed_at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(claim.kind, claim.requestId, claim.decision, claim.userId, claim.fingerprint, claim.claimedAtMs);
    if (result.changes === 1) return { ok: true };
    const row = this.db
      .prepare('SELECT * FROM claims WHERE kind = ? AND request_id = ?')
      .get(claim.kind, claim.requestId) as ClaimRow;
    return { ok: false, existing: toClaim(row) };
  }

  releaseClaim(kind: RequestKind, requestId: string): void {
    this.db.prepare('DELETE FROM claims WHERE kind = ? AND request_id = ?').run(kind, requestId);
  }

  listClaims(): DecisionClaim[] {
    return (this.db.prepare('SELECT * FROM claims ORDER BY claimed_at_ms').all() as ClaimRow[]).map(toClaim);
  }

  enqueueReply(kind: RequestKind, requestId: string, nowMs: number): void {
    this.db
      .prepare('INSERT INTO replies (kind, request_id, created_at_ms) VALUES (?, ?, ?)')
      .run(kind, requestId, nowMs);
  }

  listReplies(limit: number): QueuedReply[] {
    const rows = this.db
      .prepare('SELECT id, kind, request_id, attempted_at_ms FROM replies ORDER BY id LIMIT ?')
      .all(limit) as { id: number; kind: RequestKind; request_id: string; attempted_at_ms: number | null }[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      requestId: r.request_id,
      attemptedAtMs: r.attempted_at_ms ?? undefined,
    }));
  }

  deleteReply(id: number): void {
    this.db.prepare('DELETE FROM replies WHERE id = ?').run(id);
  }

  createConfirmation(id: string, userId: string, action: string, payload: unknown, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO confirmations (id, user_id, action, payload_json, status, created_at_ms) VALUES (?, ?, ?, ?, 'waiting', ?)`,
      )
      .run(id, userId, action, JSON.stringify(payload), nowMs);
  }

  claimConfirmation(
    id: string,
    userId: string,
    maxAgeMs: number,
    nowMs: number,
  ): { action: string; payload: unknown } | undefined {
    const row = this.db
      .prepare(
        `UPDATE confirmations SET status = 'used' WHERE id = ? AND user_id = ? AND status = 'waiting' AND created_at_ms >= ?
         RETURNING action, payload_json`,
      )
      .get(id, userId, nowMs - maxAgeMs) as { action: string; payload_json: string } | undefined;
    return row ? { action: row.action, payload: JSON.parse(row.payload_json) } : undefined;
  }

  appendAudit(entry: AuditEntry): number {
    const result = this.db
      .prepare(
        `INSERT INTO audit (at_ms, actor, action, gateway, target, target_name, request_id, fingerprint, params_json, outcome, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.atMs,
        entry.actor,
        entry.action,
        entry.gateway ?? null,
        entry.target,
        entry.targetName ?? null,
        entry.requestId ?? null,
        entry.fingerprint ?? null,
        entry.params === undefined ? null : JSON.stringify(entry.params),
        entry.outcome,
        entry.detail ?? null,
      );
    return Number(result.lastInsertRowid);
  }

  completeAudit(id: number, outcome: Exclude<AuditOutcome, 'intent'>, detail: string | undefined, atMs: number): void {
    this.db
      .prepare(
        `UPDATE audit SET outcome = ?, detail = COALESCE(?, detail), completed_at_ms = ? WHERE id = ? AND outcome = 'intent'`,
      )
      .run(outcome, detail ?? null, atMs, id);
  }

  listAudit(limit: number, sinceMs = 0): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE at_ms >= ? ORDER BY id DESC LIMIT ?')
      .all(sinceMs, limit) as AuditRow[];
    return rows.reverse().map(toAuditEntry);
  }

  close(): void {
    this.db.close();
  }
}
