import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditOutcome } from '../../audit/audit-entry.js';
import type { AnyDecision, RequestKind } from '../../pairing/types.js';
import { auditValues } from '../audit-values.js';
import type {
  AuditStore,
  ClaimStore,
  ConfirmationStore,
  DecisionClaim,
  OutboxMessage,
  OutboxStore,
  QueuedMessage,
  RequestKey,
  Storage,
} from '../ports.js';
import { FileIdentityStore } from './file-identities.js';
import { SqliteAlerts } from './sqlite-alerts.js';
import { SqliteRequestStore } from './sqlite-requests.js';
import { migrate } from './sqlite-schema.js';
import { type SqliteHandle, withStatementCache } from './statements.js';

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

interface ClaimRow {
  gateway: string;
  kind: RequestKind;
  request_id: string;
  decision: AnyDecision;
  user_id: string;
  fingerprint: string;
  claimed_at_ms: number;
  duration_ms: number | null;
  reason: string | null;
}

const toClaim = (row: ClaimRow): DecisionClaim => ({
  gateway: row.gateway,
  kind: row.kind,
  requestId: row.request_id,
  decision: row.decision,
  userId: row.user_id,
  fingerprint: row.fingerprint,
  claimedAtMs: row.claimed_at_ms,
  ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
  ...(row.reason === null ? {} : { reason: row.reason }),
});

const KEY = 'gateway = ? AND kind = ? AND request_id = ?';

class SqliteClaims implements ClaimStore {
  constructor(private readonly db: SqliteHandle) {}

  async claim(claim: DecisionClaim): Promise<{ ok: true } | { ok: false; existing: DecisionClaim }> {
    const result = this.db
      .prepare(
        'INSERT OR IGNORE INTO claims (gateway, kind, request_id, decision, user_id, fingerprint, claimed_at_ms, duration_ms, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        claim.gateway,
        claim.kind,
        claim.requestId,
        claim.decision,
        claim.userId,
        claim.fingerprint,
        claim.claimedAtMs,
        claim.durationMs ?? null,
        claim.reason ?? null,
      );
    if (result.changes === 1) return { ok: true };
    const row = this.db.prepare(`SELECT * FROM claims WHERE ${KEY}`).get(claim.gateway, claim.kind, claim.requestId);
    return { ok: false, existing: toClaim(row as ClaimRow) };
  }

  async release(key: RequestKey): Promise<void> {
    this.db.prepare(`DELETE FROM claims WHERE ${KEY}`).run(key.gateway, key.kind, key.requestId);
  }

  async list(gateway?: string): Promise<DecisionClaim[]> {
    const rows =
      gateway === undefined
        ? this.db.prepare('SELECT * FROM claims ORDER BY claimed_at_ms').all()
        : this.db.prepare('SELECT * FROM claims WHERE gateway = ? ORDER BY claimed_at_ms').all(gateway);
    return (rows as ClaimRow[]).map(toClaim);
  }
}

class SqliteOutbox implements OutboxStore {
  constructor(private readonly db: SqliteHandle) {}

  async enqueue(message: OutboxMessage, nowMs: number): Promise<number> {
    const result = this.db
      .prepare('INSERT INTO outbox (body_json, created_at_ms) VALUES (?, ?)')
      .run(JSON.stringify(message), nowMs);
    return Number(result.lastInsertRowid);
  }

  async list(limit: number, gateways?: readonly string[]): Promise<QueuedMessage[]> {
    // The gateway of a message is in its JSON: `gateway` for alerts, `request.gateway` for thread replies.
    const where =
      gateways === undefined
        ? ''
        : `WHERE coalesce(json_extract(body_json, '$.gateway'), json_extract(body_json, '$.request.gateway')) IN (${gateways.map(() => '?').join(', ') || 'NULL'})`;
    const rows = this.db
      .prepare(`SELECT * FROM outbox ${where} ORDER BY id LIMIT ?`)
      .all(...(gateways ?? []), limit) as {
      id: number;
      body_json: string;
      created_at_ms: number;
      attempted_at_ms: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      message: JSON.parse(r.body_json) as OutboxMessage,
      createdAtMs: r.created_at_ms,
      attemptedAtMs: r.attempted_at_ms ?? undefined,
    }));
  }

  async markAttempt(id: number, nowMs: number): Promise<void> {
    this.db.prepare('UPDATE outbox SET attempted_at_ms = ? WHERE id = ?').run(nowMs, id);
  }

  async delete(id: number): Promise<void> {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }
}

class SqliteConfirmations implements ConfirmationStore {
  constructor(private readonly db: SqliteHandle) {}

  async create(id: string, userId: string, action: string, payload: unknown, nowMs: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO confirmations (id, user_id, action, payload_json, status, created_at_ms) VALUES (?, ?, ?, ?, 'waiting', ?)`,
      )
      .run(id, userId, action, JSON.stringify(payload), nowMs);
  }

  async claim(id: string, userId: string, maxAgeMs: number, nowMs: number) {
    const row = this.db
      .prepare(
        `UPDATE confirmations SET status = 'used' WHERE id = ? AND user_id = ? AND status = 'waiting' AND created_at_ms >= ?
         RETURNING action, payload_json`,
      )
      .get(id, userId, nowMs - maxAgeMs) as { action: string; payload_json: string } | undefined;
    return row ? { action: row.action, payload: JSON.parse(row.payload_json) as unknown } : undefined;
  }
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

class SqliteAudit implements AuditStore {
  constructor(private readonly db: SqliteHandle) {}

  async append(entry: AuditEntry): Promise<number> {
    const result = this.db
      .prepare(
        `INSERT INTO audit (at_ms, actor, action, gateway, target, target_name, request_id, fingerprint, params_json, outcome, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...auditValues(entry));
    return Number(result.lastInsertRowid);
  }

  async complete(id: number, outcome: Exclude<AuditOutcome, 'intent'>, detail: string | undefined, atMs: number) {
    this.db
      .prepare(
        `UPDATE audit SET outcome = ?, detail = COALESCE(?, detail), completed_at_ms = ? WHERE id = ? AND outcome = 'intent'`,
      )
      .run(outcome, detail ?? null, atMs, id);
  }

  async list(limit: number, sinceMs = 0): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE at_ms >= ? ORDER BY id DESC LIMIT ?')
      .all(sinceMs, limit) as AuditRow[];
    return rows.reverse().map(toAuditEntry);
  }
}

/** Opens (creating or upgrading) `STATE_DIR/state.db`: WAL, owner-only files; identities live beside it. */
export function openSqliteStorage(stateDir: string): Storage {
  const file = path.join(stateDir, 'state.db');
  createPrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const handle = withStatementCache(db);
  return {
    requests: new SqliteRequestStore(handle),
    claims: new SqliteClaims(handle),
    outbox: new SqliteOutbox(handle),
    alerts: new SqliteAlerts(handle),
    confirmations: new SqliteConfirmations(handle),
    audit: new SqliteAudit(handle),
    identities: new FileIdentityStore(stateDir),
    close: async () => {
      db.close();
    },
  };
}
