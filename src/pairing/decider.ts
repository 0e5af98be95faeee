import type { Logger } from 'pino';
import type { AuditOutcome } from '../audit/audit-entry.js';
import type { AuditIntent, AuditLog } from '../audit/audit-log.js';
import type { RuleScope } from '../config/workflow.js';
import { AppError, ErrorCode, type GatewayRequestError, isGatewayError, StorageUnavailableError } from '../errors.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { CommandPolicy } from '../policy/command-policy.js';
import { type DecisionClaim, keyString, type RequestKey, type Storage } from '../storage/ports.js';
import { passGate } from './claim-gate.js';
import { decisionAuditTarget } from './decision-audit.js';
import {
  type ChangeReason,
  type DecisionFailure,
  failureOf,
  isUnknownOutcome,
  type Refusal,
} from './decision-failure.js';
import type { Fingerprinter } from './fingerprint.js';
import { readPendingRequest, wasApproved } from './gateway-view.js';
import type { MembershipCheck, PairingGateway } from './ports.js';
import { approveUnderRule, withdrawFirst } from './two-person.js';
import type { PairingRequest, RequestRecord } from './types.js';

/** One click: which request (on which gateway), the fingerprint of the surface shown, who, and what. */
export interface DecisionInput extends RequestKey {
  readonly fingerprint: string;
  readonly userId: string;
  readonly decision: 'approve' | 'reject';
  /** "Approve for …": the approval ends (the node is removed) this long after the gateway applied it. */
  readonly durationMs?: number | undefined;
  /** Why (OPENCLAW_REQUIRE_REASON): kept on the card, in the thread reply and in the audit. */
  readonly reason?: string | undefined;
}

import type { DecisionResult } from './decision-result.js';

export type { DecisionResult } from './decision-result.js';

export interface AccessLists {
  readonly approvers: readonly string[];
  readonly admins: readonly string[];
}

export interface PairingDeciderOptions {
  /** Id of the gateway this decider calls. */
  gatewayId: string;
  gateway: PairingGateway;
  storage: Pick<Storage, 'requests' | 'claims' | 'outbox'>;
  audit: AuditLog;
  domain: DomainEvents;
  /** Which requests need an admin (admin-sensitive commands, scopes or roles). */
  policy: Pick<CommandPolicy, 'isAdminSensitive'>;
  /** Asks for a reconciliation of the gateway's lists (by whichever process does the gateway's background work). */
  requestReconcile: (reason: string) => void;
  access: AccessLists;
  isMember: MembershipCheck;
  /** The install's keyed fingerprint of a request's surface. */
  fingerprint: Fingerprinter;
  log: Logger;
  /** OPENCLAW_APPROVAL_DURATIONS: the approval times a click may ask for (anything else is refused). */
  durationsMs?: readonly number[];
  /** OPENCLAW_REQUIRE_REASON and OPENCLAW_TWO_PERSON: which requests need a reason, and two approvers. */
  rules?: { readonly requireReason: RuleScope; readonly twoPerson: RuleScope };
  /** True when other processes (replicas) make claims in the same store: only old claims are theirs to finish. */
  claimsShared?: boolean;
  nowMs?: () => number;
}

/** An interrupted decision older than this is dropped instead of applied when the gateway is back. */
const CLAIM_MAX_AGE_MS = 10 * 60_000;

/**
 * With claims shared by replicas, a claim younger than this may still be running in another process (its gateway
 * call has a 30 s deadline): it is left alone, and finished by a later reconciliation if it is still there.
 */
export const SHARED_CLAIM_IN_FLIGHT_MS = 60_000;

/** Applies approve/reject clicks exactly once, only to the surface that was shown, only for allowed users. */
export class PairingDecider {
  private readonly nowMs: () => number;
  /** Claims being executed right now in this process (resumeClaims leaves them alone). */
  private readonly inflight = new Set<string>();
  /** Claims given up before their gateway call (the store failed), being released as soon as it is back. */
  private readonly abandoned = new Set<string>();

  constructor(private readonly options: PairingDeciderOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Waits (bounded) until no decision is being executed in this process. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = this.nowMs() + timeoutMs;
    while (this.inflight.size > 0 && this.nowMs() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Whether `userId` may decide `request` now; a refusal says why as a code. */
  async authorize(userId: string, request: PairingRequest): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
    const { approvers, admins } = this.options.access;
    const adminOnly = this.options.policy.isAdminSensitive(request);
    if (await this.options.isMember(userId, admins)) return { ok: true };
    if (!adminOnly && (await this.options.isMember(userId, approvers))) return { ok: true };
    if (approvers.length === 0 && admins.length === 0) return { ok: false, refusal: 'nobody-configured' };
    return { ok: false, refusal: adminOnly ? 'needs-admin' : 'needs-approver' };
  }

  /** Authorizes, claims, re-checks the surface, calls the gateway, and records the outcome. */
  async decide(input: DecisionInput): Promise<DecisionResult> {
    const result = await this.decideOnce(input);
    this.options.domain.emit({
      type: 'decision.made',
      key: input,
      decision: input.decision,
      userId: input.userId,
      outcome: result.outcome,
    });
    return result;
  }

  private async decideOnce(input: DecisionInput): Promise<DecisionResult> {
    const gate = await passGate(input, {
      storage: this.options.storage,
      accepts: (record) => record.kind !== 'exec',
      authorize: (userId, record) => this.authorize(userId, record.request),
      refuse: (record) =>
        !this.offersDuration(input)
          ? 'duration-not-offered'
          : this.asksWhy(record.request) && !input.reason?.trim()
            ? 'reason-required'
            : undefined,
      beforeClaim: async (record) => {
        if (input.decision !== 'approve' || !this.covers('twoPerson', record.request)) return input;
        const step = await approveUnderRule(this.ruleDeps(input), record, input);
        return 'result' in step ? step : { durationMs: step.durationMs };
      },
      audit: (record, outcome, detail) => this.audit(input, record, outcome, detail),
      nowMs: this.nowMs,
    });
    return 'result' in gate ? gate.result : this.execute(gate.claim, gate.record);
  }

  /** True when OPENCLAW_REQUIRE_REASON covers the request: a decision on it needs a reason (a modal asks). */
  asksWhy(request: PairingRequest): boolean {
    return this.covers('requireReason', request);
  }

  /** Whether OPENCLAW_REQUIRE_REASON / OPENCLAW_TWO_PERSON covers the request (admin: admin-sensitive ones). */
  private covers(rule: 'requireReason' | 'twoPerson', request: PairingRequest): boolean {
    const scope = this.options.rules?.[rule] ?? 'off';
    return scope === 'all' || (scope === 'admin' && this.options.policy.isAdminSensitive(request));
  }

  /** Withdraws the clicker's first approval (two-person rule) of a pending request. */
  async withdraw(key: RequestKey, userId: string): Promise<DecisionResult> {
    const record = await this.options.storage.requests.get(key);
    if (!record || record.kind === 'exec') return { outcome: 'unknown' };
    const input = { ...key, userId, decision: 'approve' as const, fingerprint: record.fingerprint };
    return withdrawFirst(this.ruleDeps(input), record, userId);
  }

  private ruleDeps(input: DecisionInput) {
    return {
      storage: this.options.storage,
      domain: this.options.domain,
      nowMs: this.nowMs,
      audit: async (record: RequestRecord, action: string, outcome: Exclude<AuditOutcome, 'intent'>, detail?: string) =>
        this.options.audit.record({ ...decisionAuditTarget(input, record, action), outcome, detail }),
    };
  }

  /** True for a permanent decision, or an approval for a time OPENCLAW_APPROVAL_DURATIONS offers. */
  private offersDuration(input: DecisionInput): boolean {
    if (input.durationMs === undefined) return true;
    return input.decision === 'approve' && (this.options.durationsMs ?? []).includes(input.durationMs);
  }

  /**
   * Finishes claims whose outcome is unknown: left by a previous run (restart after the click, before the
   * gateway answered) or by a call that timed out or lost its connection. Safe to call often.
   */
  async resumeClaims(): Promise<void> {
    const { storage, gatewayId } = this.options;
    for (const claim of await storage.claims.list(gatewayId)) {
      // Exec approval claims are finished by the exec decider.
      if (claim.kind === 'exec') continue;
      if (this.inflight.has(keyString(claim)) || this.abandoned.has(keyString(claim))) continue;
      if (this.options.claimsShared && this.nowMs() - claim.claimedAtMs < SHARED_CLAIM_IN_FLIGHT_MS) continue;
      const record = await storage.requests.get(claim);
      if (record?.status !== 'pending') {
        await storage.claims.release(claim);
        continue;
      }
      await this.execute(claim, record, true);
    }
  }

  private async execute(claim: DecisionClaim, record: RequestRecord, resumed = false): Promise<DecisionResult> {
    const id = keyString(claim);
    this.inflight.add(id);
    try {
      const prepared = await this.prepare(claim, record, resumed);
      if ('done' in prepared) return prepared.done;
      try {
        await this.callGateway(claim);
      } catch (err) {
        return await this.onGatewayError(claim, record, err, prepared.intent);
      }
      try {
        return await this.applied(claim, record, prepared.intent);
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
        // The claim stays: the next reconciliation after the store is back finds the outcome and records it.
        this.options.log.warn(
          { err, requestId: claim.requestId },
          'decision applied at the gateway but not recorded yet',
        );
        return { outcome: 'unrecorded', record, decision: claim.decision };
      }
    } finally {
      this.inflight.delete(id);
    }
  }

  /** Everything before the gateway call: the request as it is now, today's authority, the audit intent. */
  private async prepare(
    claim: DecisionClaim,
    record: RequestRecord,
    resumed: boolean,
  ): Promise<{ done: DecisionResult } | { intent: AuditIntent }> {
    try {
      const current = await readPendingRequest(this.options.gateway, claim.kind, claim.requestId, this.nowMs());
      if (!current && resumed) return { done: await this.settleUnknown(claim, record) };
      if (current && resumed && this.nowMs() - claim.claimedAtMs > CLAIM_MAX_AGE_MS) {
        const failure: DecisionFailure = {
          code: 'dropped-stale',
          decision: claim.decision,
          claimedAtMs: claim.claimedAtMs,
        };
        return { done: await this.fail(claim, record, failure, true) };
      }
      if (!current || this.options.fingerprint(current) !== claim.fingerprint)
        return { done: await this.onChanged(claim, current) };
      if (resumed) {
        // A resumed claim runs on today's authority: the clicker must still be allowed to decide the current request.
        const allowed = await this.authorize(claim.userId, current);
        if (!allowed.ok) {
          const failure: DecisionFailure = {
            code: 'no-longer-allowed',
            decision: claim.decision,
            userId: claim.userId,
            refusal: allowed.refusal,
          };
          await this.fail(claim, record, failure, true);
          return { done: { outcome: 'refused', refusal: allowed.refusal } };
        }
      }
      const intent = await this.options.audit.begin({
        ...decisionAuditTarget(claim, record),
        detail: resumed ? 'resumed' : undefined,
      });
      return { intent };
    } catch (err) {
      if (err instanceof StorageUnavailableError) {
        // Nothing reached the gateway, and the clicker is told so: the claim must not be finished later.
        this.abandon(claim);
        throw err;
      }
      if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE) {
        await this.options.storage.claims.release(claim);
        return { done: { outcome: 'failed', record, failure: { code: 'audit-unavailable' } } };
      }
      return { done: await this.onGatewayError(claim, record, err, undefined) };
    }
  }

  /**
   * Releases a claim whose decision was given up before the gateway call (the store failed); while the store stays
   * unreachable it keeps trying, and resumeClaims leaves the claim alone meanwhile.
   */
  private abandon(claim: DecisionClaim, attempt = 0): void {
    const id = keyString(claim);
    this.abandoned.add(id);
    this.options.storage.claims.release(claim).then(
      () => this.abandoned.delete(id),
      () => {
        const delayMs = Math.min(15_000, 500 * 2 ** attempt);
        setTimeout(() => this.abandon(claim, attempt + 1), delayMs).unref();
      },
    );
  }

  private async callGateway(claim: DecisionClaim): Promise<void> {
    const { gateway } = this.options;
    const approve = claim.decision === 'approve';
    if (claim.kind === 'node')
      await (approve ? gateway.pairApprove(claim.requestId) : gateway.pairReject(claim.requestId));
    else await (approve ? gateway.devicePairApprove(claim.requestId) : gateway.devicePairReject(claim.requestId));
  }

  /** Records a decision the gateway applied, credits the clicker and queues the card update and thread reply. */
  private async applied(claim: DecisionClaim, record: RequestRecord, intent?: AuditIntent): Promise<DecisionResult> {
    const { storage } = this.options;
    const now = this.nowMs();
    const status = claim.decision === 'approve' ? 'approved' : 'rejected';
    const by = { via: 'slack' as const, userId: claim.userId, ...(claim.reason ? { reason: claim.reason } : {}) };
    const untilMs = status === 'approved' && claim.durationMs ? now + claim.durationMs : undefined;
    await storage.requests.resolve(claim, status, by, now, untilMs);
    await storage.outbox.enqueue({ kind: 'decision-reply', request: keyOfInput(claim) }, now);
    await storage.claims.release(claim);
    if (intent) await intent.complete('ok');
    else await this.audit(claim, record, 'ok', 'confirmed by the gateway after an interrupted call');
    this.options.domain.emit({ type: 'request.resolved', key: keyOfInput(claim), status });
    return { outcome: 'decided', record: (await storage.requests.get(claim)) ?? record };
  }

  /** Releases the claim, shows the failure on the card and audits it. */
  private async fail(
    claim: DecisionClaim,
    record: RequestRecord,
    failure: DecisionFailure,
    release: boolean,
    intent?: AuditIntent,
  ): Promise<DecisionResult> {
    const { storage } = this.options;
    if (release) await storage.claims.release(claim);
    await storage.requests.setFailure(claim, failure, this.nowMs());
    if (intent) await intent.complete('failed', failure.code);
    else await this.audit(claim, record, failure.code === 'no-longer-allowed' ? 'refused' : 'failed', failure.code);
    this.options.domain.emit({ type: 'request.changed', key: keyOfInput(claim) });
    return { outcome: 'failed', record: (await storage.requests.get(claim)) ?? record, failure };
  }

  /** Our earlier call's outcome was unknown and the request is gone: credit the clicker if it went their way. */
  private async settleUnknown(
    claim: DecisionClaim,
    record: RequestRecord,
    intent?: AuditIntent,
  ): Promise<DecisionResult> {
    const approved = await wasApproved(this.options.gateway, record, claim.claimedAtMs);
    if (approved === (claim.decision === 'approve')) return this.applied(claim, record, intent);
    await intent?.complete('changed', 'the gateway no longer knew the request');
    return this.onChanged(claim, undefined, intent === undefined);
  }

  private async onChanged(
    claim: DecisionClaim,
    current: PairingRequest | undefined,
    audited = true,
  ): Promise<DecisionResult> {
    const { storage } = this.options;
    await storage.claims.release(claim);
    const reason: ChangeReason = current ? 'surface-changed' : 'not-pending';
    if (current) await storage.requests.updateRequest(claim, current, this.options.fingerprint(current), this.nowMs());
    else await storage.requests.markDirty(claim);
    const record = await storage.requests.get(claim);
    if (audited) await this.audit(claim, record, 'changed', reason);
    // Not awaited: this can run inside a reconciliation (resumeClaims), which would then wait for itself.
    this.options.requestReconcile('decision found a changed request');
    this.options.domain.emit({ type: 'request.changed', key: keyOfInput(claim) });
    return { outcome: 'changed', record, reason };
  }

  private async onGatewayError(
    claim: DecisionClaim,
    record: RequestRecord,
    err: unknown,
    intent: AuditIntent | undefined,
  ): Promise<DecisionResult> {
    if (isGatewayError(err, 'INVALID_REQUEST') && /unknown requestId/.test((err as GatewayRequestError).message)) {
      // "unknown requestId" means gone or already resolved; the lists say which.
      return this.settleUnknown(claim, record, intent);
    }
    // The session was interrupted mid-decision (lost, timed out, or this process stopping): the approve may have
    // landed. Keep the claim; it is finished when the gateway answers again. A gateway known to be unreachable at
    // click time (NOT_CONNECTED) or a refusal frees the request for another try.
    this.options.log.warn({ err, requestId: claim.requestId, decision: claim.decision }, 'pairing decision failed');
    return this.fail(
      claim,
      record,
      failureOf(err, claim.decision, intent !== undefined),
      !isUnknownOutcome(err),
      intent,
    );
  }

  private async audit(
    input: DecisionInput | DecisionClaim,
    record: RequestRecord | undefined,
    outcome: 'ok' | 'refused' | 'failed' | 'changed' | 'already',
    detail?: string,
  ): Promise<void> {
    await this.options.audit.record({ ...decisionAuditTarget(input, record), outcome, detail });
  }
}

function keyOfInput(key: RequestKey): RequestKey {
  return { gateway: key.gateway, kind: key.kind, requestId: key.requestId };
}
