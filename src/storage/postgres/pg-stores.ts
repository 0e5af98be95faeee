import type { AuditEntry, AuditOutcome } from '../../audit/audit-entry.js';
import type { AnyDecision, RequestKind } from '../../pairing/types.js';
import { auditValues } from '../audit-values.js';
import {
  type AuditStore,
  type ClaimStore,
  type ConfirmationStore,
  type DecisionClaim,
  gatewayOfMessage,
  type Lease,
  type OutboxMessage,
  type OutboxStore,
  type QueuedMessage,
  type RequestKey,
} from '../ports.js';
import { num, type PgDatabase } from './pg-database.js';

interface ClaimRow {
  gateway: string;
  kind: RequestKind;
  request_id: string;
  decision: AnyDecision;
  user_id: string;
  fingerprint: string;
  claimed_at_ms: string;
  duration_ms: string | null;
  reason: string | null;
}

const toClaim = (row: ClaimRow): DecisionClaim => ({
  gateway: row.gateway,
  kind: row.kind,
  requestId: row.request_id,
  decision: row.decision,
  userId: row.user_id,
  fingerprint: row.fingerprint,
  claimedAtMs: Number(row.claimed_at_ms),
  ...(row.duration_ms === null ? {} : { durationMs: Number(row.duration_ms) }),
  ...(row.reason === null ? {} : { reason: row.reason }),
});

const KEY = 'gateway = $1 AND kind = $2 AND request_id = $3';

/** Decision claims: the primary key makes the first claim win, whichever replica made it. */
export class PgClaims implements ClaimStore {
  constructor(private readonly db: PgDatabase) {}

  async claim(claim: DecisionClaim): Promise<{ ok: true } | { ok: false; existing: DecisionClaim }> {
    // Two statements: a claim released between the insert and the read is simply claimed again.
    for (;;) {
      const inserted = await this.db.query(
        `INSERT INTO claims (gateway, kind, request_id, decision, user_id, fingerprint, claimed_at_ms, duration_ms, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          claim.gateway,
          claim.kind,
          claim.requestId,
          claim.decision,
          claim.userId,
          claim.fingerprint,
          claim.claimedAtMs,
          claim.durationMs ?? null,
          claim.reason ?? null,
        ],
      );
      if (inserted.length === 1) return { ok: true };
      const [row] = await this.db.query<ClaimRow>(`SELECT * FROM claims WHERE ${KEY}`, [
        claim.gateway,
        claim.kind,
        claim.requestId,
      ]);
      if (row) return { ok: false, existing: toClaim(row) };
    }
  }

  async release(key: RequestKey): Promise<void> {
    await this.db.query(`DELETE FROM claims WHERE ${KEY}`, [key.gateway, key.kind, key.requestId]);
  }

  async list(gateway?: string): Promise<DecisionClaim[]> {
    const rows =
      gateway === undefined
        ? await this.db.query<ClaimRow>('SELECT * FROM claims ORDER BY claimed_at_ms')
        : await this.db.query<ClaimRow>('SELECT * FROM claims WHERE gateway = $1 ORDER BY claimed_at_ms', [gateway]);
    return rows.map(toClaim);
  }
}

interface OutboxRow {
  id: string;
  message: OutboxMessage;
  created_at_ms: string;
  attempted_at_ms: string | null;
}

/** Queued messages; the holder of a gateway's lease writes through a fenced one. */
export class PgOutbox implements OutboxStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly lease?: Lease,
  ) {}

  private write(sql: string, params: readonly unknown[]): Promise<object[]> {
    return this.lease ? this.db.fencedQuery(this.lease, sql, params) : this.db.query(sql, params);
  }

  async enqueue(message: OutboxMessage, nowMs: number): Promise<number> {
    const rows = (await this.write(
      'INSERT INTO outbox (gateway, message, created_at_ms) VALUES ($1, $2, $3) RETURNING id',
      [gatewayOfMessage(message), JSON.stringify(message), nowMs],
    )) as { id: string }[];
    return Number(rows[0]?.id);
  }

  async list(limit: number, gateways?: readonly string[]): Promise<QueuedMessage[]> {
    const rows =
      gateways === undefined
        ? await this.db.query<OutboxRow>('SELECT * FROM outbox ORDER BY id LIMIT $1', [limit])
        : await this.db.query<OutboxRow>('SELECT * FROM outbox WHERE gateway = ANY($2::text[]) ORDER BY id LIMIT $1', [
            limit,
            gateways,
          ]);
    return rows.map((r) => ({
      id: Number(r.id),
      message: r.message,
      createdAtMs: Number(r.created_at_ms),
      attemptedAtMs: num(r.attempted_at_ms),
    }));
  }

  async markAttempt(id: number, nowMs: number): Promise<void> {
    await this.write('UPDATE outbox SET attempted_at_ms = $2 WHERE id = $1', [id, nowMs]);
  }

  async delete(id: number): Promise<void> {
    await this.write('DELETE FROM outbox WHERE id = $1', [id]);
  }
}

/** Confirmations: used once, by their requester, while fresh (an atomic UPDATE … RETURNING). */
export class PgConfirmations implements ConfirmationStore {
  constructor(private readonly db: PgDatabase) {}

  async create(id: string, userId: string, action: string, payload: unknown, nowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO confirmations (id, user_id, action, payload, status, created_at_ms) VALUES ($1, $2, $3, $4, 'waiting', $5)`,
      [id, userId, action, JSON.stringify(payload), nowMs],
    );
  }

  async claim(id: string, userId: string, maxAgeMs: number, nowMs: number) {
    const [row] = await this.db.query<{ action: string; payload: unknown }>(
      `UPDATE confirmations SET status = 'used'
       WHERE id = $1 AND user_id = $2 AND status = 'waiting' AND created_at_ms >= $3 RETURNING action, payload`,
      [id, userId, nowMs - maxAgeMs],
    );
    return row ? { action: row.action, payload: row.payload } : undefined;
  }
}

interface AuditRow {
  id: string;
  at_ms: string;
  actor: string;
  action: string;
  gateway: string | null;
  target: string;
  target_name: string | null;
  request_id: string | null;
  fingerprint: string | null;
  params: unknown;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  completed_at_ms: string | null;
}

const toAuditEntry = (r: AuditRow): AuditEntry => ({
  id: Number(r.id),
  atMs: Number(r.at_ms),
  actor: r.actor,
  action: r.action,
  gateway: r.gateway ?? undefined,
  target: r.target,
  targetName: r.target_name ?? undefined,
  requestId: r.request_id ?? undefined,
  fingerprint: r.fingerprint ?? undefined,
  params: r.params === null ? undefined : r.params,
  outcome: r.outcome,
  detail: r.detail ?? undefined,
  completedAtMs: num(r.completed_at_ms),
});

/** The audit log, shared by every replica. */
export class PgAudit implements AuditStore {
  constructor(private readonly db: PgDatabase) {}

  async append(entry: AuditEntry): Promise<number> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO audit (at_ms, actor, action, gateway, target, target_name, request_id, fingerprint, params, outcome, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [...auditValues(entry)],
    );
    return Number(row?.id);
  }

  async complete(id: number, outcome: Exclude<AuditOutcome, 'intent'>, detail: string | undefined, atMs: number) {
    await this.db.query(
      `UPDATE audit SET outcome = $2, detail = COALESCE($3, detail), completed_at_ms = $4 WHERE id = $1 AND outcome = 'intent'`,
      [id, outcome, detail ?? null, atMs],
    );
  }

  async list(limit: number, sinceMs = 0): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditRow>('SELECT * FROM audit WHERE at_ms >= $1 ORDER BY id DESC LIMIT $2', [
      sinceMs,
      limit,
    ]);
    return rows.reverse().map(toAuditEntry);
  }
}
