import type { Logger } from 'pino';
import type { AuditOutcome } from '../audit/audit-entry.js';
import type { AuditIntent, AuditLog } from '../audit/audit-log.js';
import { AppError, ErrorCode, StorageUnavailableError } from '../errors.js';
import type { DomainEvents } from '../events/domain-events.js';
import { passGate } from '../pairing/claim-gate.js';
import type { DecisionResult } from '../pairing/decider.js';
import { failureOf, isUnknownOutcome, type Refusal } from '../pairing/decision-failure.js';
import type { MembershipCheck } from '../pairing/ports.js';
import { approveUnderRule, withdrawFirst } from '../pairing/two-person.js';
import type { ExecDecision, RequestRecord, RequestStatus, Resolver } from '../pairing/types.js';
import { type DecisionClaim, keyString, type RequestKey, type Storage } from '../storage/ports.js';
import { execAuditTarget } from './exec-audit.js';
import { type ExecApprovalsGateway, isAlreadyResolved, isApprovalNotFound } from './exec-gateway.js';
import { describeResolver } from './exec-schemas.js';

/** One click on an exec card: which request, the fingerprint of the command shown, who, and which answer. */
export interface ExecDecisionInput extends RequestKey {
  readonly fingerprint: string;
  readonly userId: string;
  readonly decision: ExecDecision;
  /** Why (OPENCLAW_REQUIRE_REASON): kept on the card, in the thread reply and in the audit. */
  readonly reason?: string | undefined;
}

export interface ExecDeciderOptions {
  gatewayId: string;
  gateway: ExecApprovalsGateway;
  storage: Pick<Storage, 'requests' | 'claims' | 'outbox'>;
  audit: AuditLog;
  domain: DomainEvents;
  /** OPENCLAW_EXEC_APPROVERS: the only principals who may decide (default: the admins). */
  approvers: readonly string[];
  isMember: MembershipCheck;
  /** Asks for a reconciliation (by whichever process watches the gateway). */
  requestReconcile: (reason: string) => void;
  log: Logger;
  claimsShared?: boolean;
  /** OPENCLAW_REQUIRE_REASON is on (admin or all: an exec approval always runs code, so either covers it). */
  requireReason?: boolean;
  /** OPENCLAW_TWO_PERSON is on (likewise): an allow needs two different exec approvers. */
  twoPerson?: boolean;
  nowMs?: () => number;
}

/** An interrupted decision older than this is dropped instead of sent again. */
const CLAIM_MAX_AGE_MS = 10 * 60_000;
/** With replicas, a younger claim may still be running elsewhere. */
const SHARED_CLAIM_IN_FLIGHT_MS = 60_000;

function statusOf(decision: ExecDecision): RequestStatus {
  return decision === 'deny' ? 'rejected' : 'approved';
}

/**
 * Applies Allow once / Allow always / Deny clicks exactly once: only by an exec approver, only on the command that
 * was shown, only with an answer the request offers. `exec.approval.resolve` is idempotent for the same decision,
 * so an interrupted call is simply sent again.
 */
export class ExecDecider {
  private readonly nowMs: () => number;
  private readonly inflight = new Set<string>();
  /** Claims given up before the gateway call (the store failed): released once it is back, never sent. */
  private readonly abandoned = new Set<string>();

  constructor(private readonly options: ExecDeciderOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Withdraws the clicker's first allow (two-person rule) of a pending exec request. */
  async withdraw(key: RequestKey, userId: string): Promise<DecisionResult> {
    const record = await this.options.storage.requests.get(key);
    if (record?.kind !== 'exec') return { outcome: 'unknown' };
    const input = { ...key, userId, decision: 'allow-once' as const, fingerprint: record.fingerprint };
    return withdrawFirst(this.ruleDeps(input), record, userId);
  }

  private ruleDeps(input: ExecDecisionInput) {
    return {
      storage: this.options.storage,
      domain: this.options.domain,
      nowMs: this.nowMs,
      audit: async (record: RequestRecord, action: string, outcome: Exclude<AuditOutcome, 'intent'>, detail?: string) =>
        this.options.audit.record({ ...execAuditTarget(input.userId, input, record), action, outcome, detail }),
    };
  }

  /** True when a decision needs a reason (a modal asks for it first). */
  asksWhy(): boolean {
    return this.options.requireReason === true;
  }

  /** Whether `userId` may decide exec approvals now. */
  async authorize(userId: string): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
    const { approvers } = this.options;
    if (approvers.length === 0) return { ok: false, refusal: 'nobody-configured-exec' };
    return (await this.options.isMember(userId, approvers))
      ? { ok: true }
      : { ok: false, refusal: 'needs-exec-approver' };
  }

  async decide(input: ExecDecisionInput): Promise<DecisionResult> {
    const result = await this.decideOnce(input);
    this.options.domain.emit({
      type: 'decision.made',
      key: keyOfInput(input),
      decision: input.decision,
      userId: input.userId,
      outcome: result.outcome,
    });
    return result;
  }

  private async decideOnce(input: ExecDecisionInput): Promise<DecisionResult> {
    const gate = await passGate(input, {
      storage: this.options.storage,
      accepts: (record) => record.kind === 'exec' && record.request.exec !== undefined,
      authorize: (userId) => this.authorize(userId),
      // Only answers the request offers; a command too long to keep whole can only be denied.
      refuse: (record) => {
        const exec = record.request.exec;
        const offered = exec?.allowedDecisions.includes(input.decision) ?? false;
        if (!offered || (input.decision !== 'deny' && exec?.clipped)) return 'decision-not-offered';
        return this.asksWhy() && !input.reason?.trim() ? 'reason-required' : undefined;
      },
      audit: (record, outcome, detail) => this.audit(input, record, outcome, detail),
      beforeClaim: async (record) => {
        if (input.decision === 'deny' || !this.options.twoPerson) return {};
        const step = await approveUnderRule(this.ruleDeps(input), record, { ...input, exec: input.decision });
        return 'result' in step ? step : { decision: step.decision };
      },
      nowMs: this.nowMs,
    });
    return 'result' in gate ? gate.result : this.execute(gate.claim, gate.record, false);
  }

  /** Finishes interrupted decisions (a restart or a lost answer) on today's authority; safe to call often. */
  async resumeClaims(): Promise<void> {
    const { storage, gatewayId } = this.options;
    for (const claim of await storage.claims.list(gatewayId)) {
      const id = keyString(claim);
      if (claim.kind !== 'exec' || this.inflight.has(id) || this.abandoned.has(id)) continue;
      const age = this.nowMs() - claim.claimedAtMs;
      if (this.options.claimsShared && age < SHARED_CLAIM_IN_FLIGHT_MS) continue;
      const record = await storage.requests.get(claim);
      if (record?.status !== 'pending' || age > CLAIM_MAX_AGE_MS) {
        await storage.claims.release(claim);
        if (record?.status === 'pending') await storage.requests.markDirty(claim);
        continue;
      }
      const allowed = await this.authorize(claim.userId);
      if (!allowed.ok) {
        await storage.claims.release(claim);
        await this.audit(claim, record, 'refused', `resumed: ${allowed.refusal}`);
        continue;
      }
      await this.execute(claim, record, true);
    }
  }

  private async execute(claim: DecisionClaim, record: RequestRecord, resumed: boolean): Promise<DecisionResult> {
    const id = keyString(claim);
    const decision = claim.decision as ExecDecision;
    this.inflight.add(id);
    try {
      let intent: AuditIntent;
      try {
        const target = execAuditTarget(claim.userId, claim, record);
        intent = await this.options.audit.begin({
          ...target,
          params: target.params && claim.reason ? { ...target.params, reason: claim.reason } : target.params,
          action: `exec.${decision}`,
          detail: resumed ? 'resumed' : undefined,
        });
      } catch (err) {
        if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE) {
          await this.options.storage.claims.release(claim);
          return { outcome: 'failed', record, failure: { code: 'audit-unavailable' } };
        }
        if (err instanceof StorageUnavailableError) this.abandon(claim);
        throw err;
      }
      try {
        await this.options.gateway.resolve(claim.requestId, decision);
      } catch (err) {
        return await this.onGatewayError(claim, record, err, intent);
      }
      try {
        const by = {
          via: 'slack' as const,
          userId: claim.userId,
          decision,
          ...(claim.reason ? { reason: claim.reason } : {}),
        };
        return await this.applied(claim, record, by, intent);
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
        this.options.log.warn({ err, requestId: claim.requestId }, 'exec decision applied but not recorded yet');
        return { outcome: 'unrecorded', record, decision };
      }
    } finally {
      this.inflight.delete(id);
    }
  }

  /** Releases a claim whose decision never reached the gateway, retrying while the store is unreachable. */
  private abandon(claim: DecisionClaim, attempt = 0): void {
    const id = keyString(claim);
    this.abandoned.add(id);
    this.options.storage.claims.release(claim).then(
      () => this.abandoned.delete(id),
      () => setTimeout(() => this.abandon(claim, attempt + 1), Math.min(15_000, 500 * 2 ** attempt)).unref(),
    );
  }

  private async applied(
    claim: DecisionClaim,
    record: RequestRecord,
    by: Resolver & { via: 'slack' },
    intent: AuditIntent,
  ): Promise<DecisionResult> {
    const { storage } = this.options;
    const now = this.nowMs();
    const status = statusOf(by.decision ?? 'deny');
    await storage.requests.resolve(claim, status, by, now);
    await storage.outbox.enqueue({ kind: 'decision-reply', request: keyOfInput(claim) }, now);
    await storage.claims.release(claim);
    await intent.complete('ok');
    this.options.domain.emit({ type: 'request.resolved', key: keyOfInput(claim), status });
    return { outcome: 'decided', record: (await storage.requests.get(claim)) ?? record };
  }

  private async onGatewayError(
    claim: DecisionClaim,
    record: RequestRecord,
    err: unknown,
    intent: AuditIntent,
  ): Promise<DecisionResult> {
    const { storage } = this.options;
    if (isAlreadyResolved(err) || isApprovalNotFound(err)) {
      // Decided elsewhere first, or expired: the reconciliation records how it ended, and the card shows it.
      await storage.claims.release(claim);
      await intent.complete('already', isAlreadyResolved(err) ? 'already resolved on the gateway' : 'not found');
      this.options.requestReconcile('an exec decision found the request already resolved');
      const current = (await this.settleNow(claim)) ?? record;
      return { outcome: 'already', record: current };
    }
    this.options.log.warn({ err, requestId: claim.requestId, decision: claim.decision }, 'exec decision failed');
    const unknown = isUnknownOutcome(err);
    const failure = failureOf(err, claim.decision, true);
    // An unknown outcome keeps the claim: the same decision is sent again once the gateway answers (idempotent).
    if (!unknown) await storage.claims.release(claim);
    await storage.requests.setFailure(claim, failure, this.nowMs());
    await intent.complete('failed', failure.code);
    this.options.domain.emit({ type: 'request.changed', key: keyOfInput(claim) });
    return { outcome: 'failed', record: (await storage.requests.get(claim)) ?? record, failure };
  }

  /** After a conflict: how the request ended, straight from the gateway, so the late clicker is told what won. */
  private async settleNow(key: RequestKey): Promise<RequestRecord | undefined> {
    const { storage } = this.options;
    try {
      const snapshot = await this.options.gateway.get(key.requestId);
      const expired = snapshot.status === 'expired' || snapshot.reason === 'timeout';
      const status: RequestStatus | undefined = expired
        ? 'expired'
        : snapshot.status === 'allowed'
          ? 'approved'
          : snapshot.status === 'denied'
            ? 'rejected'
            : undefined;
      if (status) {
        const by: Resolver | undefined = expired
          ? undefined
          : { via: 'outside', decision: snapshot.decision, name: describeResolver(snapshot.resolver) };
        if (await storage.requests.resolve(key, status, by, this.nowMs())) {
          await this.options.audit.record({
            ...execAuditTarget('gateway', key, await storage.requests.get(key)),
            action: `exec.${expired ? 'expired' : (snapshot.decision ?? status)}`,
            outcome: 'ok',
            detail: 'resolved before a Slack click reached the gateway',
          });
          this.options.domain.emit({ type: 'request.resolved', key: keyOfInput(key), status });
        }
      }
    } catch (err) {
      this.options.log.debug({ err }, 'could not read how an exec approval ended');
    }
    return storage.requests.get(key);
  }

  private async audit(
    input: ExecDecisionInput | DecisionClaim,
    record: RequestRecord | undefined,
    outcome: 'ok' | 'refused' | 'failed' | 'changed' | 'already',
    detail?: string,
  ): Promise<void> {
    await this.options.audit.record({
      ...execAuditTarget(input.userId, input, record),
      action: `exec.${input.decision}`,
      outcome,
      detail,
    });
  }
}

function keyOfInput(key: RequestKey): RequestKey {
  return { gateway: key.gateway, kind: key.kind, requestId: key.requestId };
}
