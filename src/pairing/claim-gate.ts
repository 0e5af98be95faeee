/**
 * The gate every decision click passes before a gateway call, for pairing and exec approvals alike: the record
 * exists, the clicker may decide, it is still pending, the click carries the fingerprint of what was shown, the
 * answer is one this request offers, and this click (of all clicks, on every replica) holds the claim.
 */
import type { AuditOutcome } from '../audit/audit-entry.js';
import type { DecisionClaim, RequestKey, Storage } from '../storage/ports.js';
import type { Refusal } from './decision-failure.js';
import type { DecisionResult } from './decision-result.js';
import type { AnyDecision, RequestRecord } from './types.js';

/** One click as the gate sees it. */
export interface GateInput extends RequestKey {
  readonly fingerprint: string;
  readonly userId: string;
  readonly decision: AnyDecision;
  readonly durationMs?: number | undefined;
  readonly reason?: string | undefined;
}

export interface GateSteps {
  readonly storage: Pick<Storage, 'requests' | 'claims'>;
  /** False for a record this decider does not decide (another kind): answered as unknown. */
  accepts(record: RequestRecord): boolean;
  authorize(userId: string, record: RequestRecord): Promise<{ ok: true } | { ok: false; refusal: Refusal }>;
  /** A refusal found once the card is known to be current (e.g. an answer the request does not offer). */
  refuse?(record: RequestRecord): Refusal | undefined;
  /** A last step before the claim: an answer ends the click there (two-person rule), else the claim's approval time. */
  beforeClaim?(
    record: RequestRecord,
  ): Promise<{ result: DecisionResult } | { durationMs?: number | undefined; decision?: AnyDecision | undefined }>;
  audit(
    record: RequestRecord | undefined,
    outcome: Exclude<AuditOutcome, 'intent' | 'ok'>,
    detail: string,
  ): Promise<void>;
  nowMs(): number;
}

/** Either the claim this click now holds (with the record it was checked against), or how the click ended. */
export async function passGate(
  input: GateInput,
  steps: GateSteps,
): Promise<{ claim: DecisionClaim; record: RequestRecord } | { result: DecisionResult }> {
  const { storage } = steps;
  const record = await storage.requests.get(input);
  if (!record || !steps.accepts(record)) return { result: { outcome: 'unknown' } };
  const allowed = await steps.authorize(input.userId, record);
  if (!allowed.ok) {
    await steps.audit(record, 'refused', allowed.refusal);
    return { result: { outcome: 'refused', refusal: allowed.refusal } };
  }
  if (record.status !== 'pending') {
    await steps.audit(record, 'already', `already ${record.status}`);
    return { result: { outcome: 'already', record } };
  }
  if (input.fingerprint !== record.fingerprint) {
    // The click carries something this bot never showed for the current record: an outdated card, or a forgery.
    await steps.audit(record, 'changed', 'outdated-card');
    return { result: { outcome: 'changed', record, reason: 'outdated-card' } };
  }
  const refusal = steps.refuse?.(record);
  if (refusal) {
    await steps.audit(record, 'refused', refusal);
    return { result: { outcome: 'refused', refusal } };
  }
  const step = await steps.beforeClaim?.(record);
  if (step && 'result' in step) return { result: step.result };
  const durationMs = step ? step.durationMs : input.durationMs;
  const decision = (step && 'decision' in step ? step.decision : undefined) ?? input.decision;
  const claim: DecisionClaim = {
    gateway: input.gateway,
    kind: input.kind,
    requestId: input.requestId,
    decision,
    userId: input.userId,
    fingerprint: input.fingerprint,
    claimedAtMs: steps.nowMs(),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
  const claimed = await storage.claims.claim(claim);
  if (!claimed.ok) {
    await steps.audit(record, 'already', `claimed by ${claimed.existing.userId}`);
    return { result: { outcome: 'already', record, claim: claimed.existing } };
  }
  // Another click (here or on another replica) may have decided and released its claim since the read above.
  const fresh = await storage.requests.get(input);
  if (fresh && fresh.status !== 'pending') {
    await storage.claims.release(claim);
    await steps.audit(fresh, 'already', `already ${fresh.status}`);
    return { result: { outcome: 'already', record: fresh } };
  }
  return { claim, record };
}
