import type { Logger } from 'pino';
import { AUDIT_UNAVAILABLE_MESSAGE, type AuditIntent, type AuditLog } from '../audit/audit-log.js';
import {
  AppError,
  ErrorCode,
  GatewayClosedError,
  GatewayRequestError,
  GatewayTimeoutError,
  isGatewayError,
} from '../errors.js';
import type { CommandPolicy } from '../policy/command-policy.js';
import type { Fingerprinter } from './fingerprint.js';
import { readPendingRequest, wasApproved } from './gateway-view.js';
import type { PairingWatcher } from './pairing-watcher.js';
import type { MembershipCheck, PairingGateway } from './ports.js';
import type { DecisionClaim, PairingStore } from './store.js';
import type { PairingRequest, RequestKind, RequestRecord } from './types.js';

export interface DecisionInput {
  kind: RequestKind;
  requestId: string;
  /** Fingerprint of the surface the clicker saw. */
  fingerprint: string;
  userId: string;
  decision: 'approve' | 'reject';
}

/** Every way a click can end; the Slack layer turns each into words. */
export type DecisionResult =
  | { outcome: 'decided'; record: RequestRecord }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'unknown' }
  | { outcome: 'already'; record: RequestRecord; claim?: DecisionClaim | undefined }
  | { outcome: 'changed'; record: RequestRecord | undefined; reason: string }
  | { outcome: 'failed'; record: RequestRecord; message: string };

export interface AccessLists {
  readonly approvers: readonly string[];
  readonly admins: readonly string[];
}

export interface PairingDeciderOptions {
  gateway: PairingGateway;
  store: PairingStore;
  audit: AuditLog;
  /** Which requests need an admin (admin-sensitive commands, scopes or roles). */
  policy: Pick<CommandPolicy, 'isAdminSensitive'>;
  watcher: Pick<PairingWatcher, 'reconcile'>;
  access: AccessLists;
  isMember: MembershipCheck;
  /** The install's keyed fingerprint of a request's surface. */
  fingerprint: Fingerprinter;
  log: Logger;
  onChange: () => void;
  /** Observes every click's outcome (metrics). */
  onOutcome?: (outcome: DecisionResult['outcome']) => void;
  nowMs?: () => number;
}

/** Applies approve/reject clicks exactly once, only to the surface that was shown, only for allowed users. */
export class PairingDecider {
  private readonly nowMs: () => number;
  /** Claims being executed right now in this process (resumeClaims leaves them alone). */
  private readonly inflight = new Set<string>();

  constructor(private readonly options: PairingDeciderOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Waits (bounded) until no decision is being executed in this process. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = this.nowMs() + timeoutMs;
    while (this.inflight.size > 0 && this.nowMs() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Who may decide this request, as a sentence for refusals and cards. */
  async authorize(userId: string, request: PairingRequest): Promise<{ ok: true } | { ok: false; reason: string }> {
    const { approvers, admins } = this.options.access;
    const adminOnly = this.options.policy.isAdminSensitive(request);
    if (await this.options.isMember(userId, admins)) return { ok: true };
    if (!adminOnly && (await this.options.isMember(userId, approvers))) return { ok: true };
    if (approvers.length === 0 && admins.length === 0) {
      return { ok: false, reason: 'nobody may decide pairing requests yet: set OPENCLAW_APPROVERS / OPENCLAW_ADMINS' };
    }
    return {
      ok: false,
      reason: adminOnly
        ? 'this request grants admin-sensitive access (commands not on the harmless list, or more than read-only scopes), so only OPENCLAW_ADMINS may decide it'
        : 'only OPENCLAW_APPROVERS or OPENCLAW_ADMINS may decide pairing requests',
    };
  }

  /** Authorizes, claims, re-checks the surface, calls the gateway, and records the outcome. */
  async decide(input: DecisionInput): Promise<DecisionResult> {
    const result = await this.decideOnce(input);
    this.options.onOutcome?.(result.outcome);
    return result;
  }

  private async decideOnce(input: DecisionInput): Promise<DecisionResult> {
    const { store } = this.options;
    const record = store.get(input.kind, input.requestId);
    if (!record) return { outcome: 'unknown' };
    const allowed = await this.authorize(input.userId, record.request);
    if (!allowed.ok) {
      this.audit(input, 'refused', allowed.reason);
      return { outcome: 'refused', reason: allowed.reason };
    }
    if (record.status !== 'pending') {
      this.audit(input, 'already', `already ${record.status}`);
      return { outcome: 'already', record };
    }
    if (input.fingerprint !== record.fingerprint) {
      // The click carries a surface this bot never showed for the current record: an outdated card, or a forgery.
      const reason = 'the card you clicked is out of date (the request was re-rendered since); review the current card';
      this.audit(input, 'changed', reason);
      return { outcome: 'changed', record, reason };
    }
    const claim: DecisionClaim = { ...input, claimedAtMs: this.nowMs() };
    const claimed = store.claim(claim);
    if (!claimed.ok) {
      this.audit(input, 'already', `claimed by ${claimed.existing.userId}`);
      return { outcome: 'already', record, claim: claimed.existing };
    }
    return this.execute(claim, record);
  }

  /**
   * Finishes claims whose outcome is unknown: left by a previous run (restart after the click, before the
   * gateway answered) or by a call that timed out or lost its connection. Safe to call often.
   */
  async resumeClaims(): Promise<void> {
    for (const claim of this.options.store.listClaims()) {
      if (this.inflight.has(keyOf(claim))) continue;
      const record = this.options.store.get(claim.kind, claim.requestId);
      if (record?.status !== 'pending') {
        this.options.store.releaseClaim(claim.kind, claim.requestId);
        continue;
      }
      await this.execute(claim, record, true);
    }
  }

  /** A resumed claim runs on today's authority: the clicker must still be allowed to decide the current request. */
  private async reauthorize(claim: DecisionClaim, current: PairingRequest): Promise<DecisionResult | undefined> {
    const allowed = await this.authorize(claim.userId, current);
    if (allowed.ok) return undefined;
    const { store } = this.options;
    store.releaseClaim(claim.kind, claim.requestId);
    const message = `the ${claim.decision} by ${claim.userId} was not finished: ${allowed.reason}`;
    store.setError(claim.kind, claim.requestId, message, this.nowMs());
    this.audit(claim, 'refused', `resumed claim: ${allowed.reason}`);
    this.options.onChange();
    return { outcome: 'refused', reason: allowed.reason };
  }

  private async execute(claim: DecisionClaim, record: RequestRecord, resumed = false): Promise<DecisionResult> {
    const key = keyOf(claim);
    this.inflight.add(key);
    let intent: AuditIntent | undefined;
    try {
      const current = await readPendingRequest(this.options.gateway, claim.kind, claim.requestId, this.nowMs());
      if (!current && resumed) return await this.settleUnknown(claim, record);
      if (current && resumed && this.nowMs() - claim.claimedAtMs > CLAIM_MAX_AGE_MS)
        return this.dropStale(claim, record);
      if (!current || this.options.fingerprint(current) !== claim.fingerprint)
        return await this.onChanged(claim, current);
      if (resumed) {
        const refused = await this.reauthorize(claim, current);
        if (refused) return refused;
      }
      intent = this.options.audit.begin({
        ...this.auditTarget(claim, record),
        detail: resumed ? 'resumed' : undefined,
      });
      await this.callGateway(claim);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE)
        return this.auditUnavailable(claim, record);
      return await this.onGatewayError(claim, record, err, intent);
    } finally {
      this.inflight.delete(key);
    }
    return this.applied(claim, record, intent);
  }

  /** Nothing is sent when the intent row cannot be written. */
  private auditUnavailable(claim: DecisionClaim, record: RequestRecord): DecisionResult {
    this.options.store.releaseClaim(claim.kind, claim.requestId);
    return { outcome: 'failed', record, message: AUDIT_UNAVAILABLE_MESSAGE };
  }

  private async callGateway(claim: DecisionClaim): Promise<void> {
    const { gateway } = this.options;
    const approve = claim.decision === 'approve';
    if (claim.kind === 'node')
      await (approve ? gateway.pairApprove(claim.requestId) : gateway.pairReject(claim.requestId));
    else await (approve ? gateway.devicePairApprove(claim.requestId) : gateway.devicePairReject(claim.requestId));
  }

  /** Records a decision the gateway applied, credits the clicker and queues the card update and thread reply. */
  private applied(claim: DecisionClaim, record: RequestRecord, intent?: AuditIntent): DecisionResult {
    const { store } = this.options;
    const now = this.nowMs();
    const status = claim.decision === 'approve' ? 'approved' : 'rejected';
    store.resolve(claim.kind, claim.requestId, status, { via: 'slack', userId: claim.userId }, now);
    store.enqueueReply(claim.kind, claim.requestId, now);
    store.releaseClaim(claim.kind, claim.requestId);
    if (intent) intent.complete('ok');
    else this.audit(claim, 'ok', 'confirmed by the gateway after an interrupted call');
    this.options.onChange();
    return { outcome: 'decided', record: store.get(claim.kind, claim.requestId) ?? record };
  }

  /** A claim left unfinished for too long is not applied any more: the clicker's intent may be outdated. */
  private dropStale(claim: DecisionClaim, record: RequestRecord): DecisionResult {
    const { store } = this.options;
    store.releaseClaim(claim.kind, claim.requestId);
    const message = `the ${claim.decision} clicked at ${new Date(claim.claimedAtMs).toISOString()} was never confirmed by the gateway and was dropped; decide again`;
    store.setError(claim.kind, claim.requestId, message, this.nowMs());
    this.audit(claim, 'failed', message);
    this.options.onChange();
    return { outcome: 'failed', record: store.get(claim.kind, claim.requestId) ?? record, message };
  }

  /** Our earlier call's outcome was unknown and the request is gone: credit the clicker if it went their way. */
  private async settleUnknown(
    claim: DecisionClaim,
    record: RequestRecord,
    intent?: AuditIntent,
  ): Promise<DecisionResult> {
    const approved = await wasApproved(this.options.gateway, record, claim.claimedAtMs);
    if (approved === (claim.decision === 'approve')) return this.applied(claim, record, intent);
    intent?.complete('changed', 'the gateway no longer knew the request');
    return this.onChanged(claim, undefined, intent === undefined);
  }

  private async onChanged(
    claim: DecisionClaim,
    current: PairingRequest | undefined,
    audited = true,
  ): Promise<DecisionResult> {
    const { store } = this.options;
    store.releaseClaim(claim.kind, claim.requestId);
    const reason = current
      ? 'the request changed since the card was shown (its command surface differs); review the updated card'
      : 'the request is no longer pending on the gateway';
    if (current)
      store.updateRequest(claim.kind, claim.requestId, current, this.options.fingerprint(current), this.nowMs());
    else store.markDirty(claim.kind, claim.requestId);
    if (audited) this.audit(claim, 'changed', reason);
    // Not awaited: this can run inside a reconciliation (resumeClaims), which would then wait for itself.
    void this.options.watcher.reconcile('decision found a changed request');
    this.options.onChange();
    return { outcome: 'changed', record: store.get(claim.kind, claim.requestId), reason };
  }

  private async onGatewayError(
    claim: DecisionClaim,
    record: RequestRecord,
    err: unknown,
    intent: AuditIntent | undefined,
  ): Promise<DecisionResult> {
    const sent = intent ? 'sent' : 'not sent yet';
    const { store, log } = this.options;
    if (isGatewayError(err, 'INVALID_REQUEST') && /unknown requestId/.test((err as GatewayRequestError).message)) {
      // "unknown requestId" means gone or already resolved; the lists say which.
      const settled = await this.settleUnknown(claim, record, intent);
      return settled;
    }
    // The session was interrupted mid-decision (lost, timed out, or this process stopping): the approve may have
    // landed, or was acked to the clicker and not sent yet. Keep the claim; it is finished when the gateway answers.
    // A gateway known to be unreachable at click time (NOT_CONNECTED) or a refusal frees the request instead.
    const unknownOutcome =
      err instanceof GatewayTimeoutError ||
      (err instanceof GatewayClosedError && err.code === ErrorCode.CONNECTION_CLOSED);
    // A refusal frees the request for another try; an unknown outcome keeps the claim until the lists tell.
    if (!unknownOutcome) store.releaseClaim(claim.kind, claim.requestId);
    const message = unknownOutcome
      ? `the gateway did not confirm the ${claim.decision} (${sent}: ${(err as Error).message}); the bot finishes it when the gateway answers again`
      : describeDecisionError(err);
    store.setError(claim.kind, claim.requestId, message, this.nowMs());
    if (intent) intent.complete('failed', message);
    else this.audit(claim, 'failed', message);
    log.warn({ err, requestId: claim.requestId, decision: claim.decision }, 'pairing decision failed');
    this.options.onChange();
    return { outcome: 'failed', record: store.get(claim.kind, claim.requestId) ?? record, message };
  }

  /** The audit row's who/what/target for a decision on `record`. */
  private auditTarget(input: Omit<DecisionInput, 'fingerprint'> & { fingerprint?: string }, record?: RequestRecord) {
    const request = record?.request;
    return {
      actor: input.userId,
      action: `pairing.${input.decision}`,
      gateway: 'default',
      target: request ? `${input.kind}:${request.subjectId}` : `${input.kind}-request:${input.requestId}`,
      targetName: request?.displayName,
      requestId: input.requestId,
      fingerprint: input.fingerprint,
      params: request
        ? { caps: request.caps, commands: request.commands, scopes: request.scopes, roles: request.roles }
        : undefined,
    };
  }

  private audit(
    input: Omit<DecisionInput, 'fingerprint'> & { fingerprint?: string },
    outcome: 'ok' | 'refused' | 'failed' | 'changed' | 'already',
    detail?: string,
  ): void {
    const record = this.options.store.get(input.kind, input.requestId);
    this.options.audit.record({ ...this.auditTarget(input, record), outcome, detail });
  }
}

/** An interrupted decision older than this is dropped instead of applied when the gateway is back. */
const CLAIM_MAX_AGE_MS = 10 * 60_000;

const keyOf = (claim: Pick<DecisionClaim, 'kind' | 'requestId'>) => `${claim.kind}:${claim.requestId}`;

/** Words for a refused or failed gateway call that tell the operator what to fix. */
export function describeDecisionError(err: unknown): string {
  if (err instanceof GatewayRequestError && err.detailCode === 'MISSING_SCOPE') {
    return `the gateway refused: the bot's gateway session lacks ${err.missingScope ?? 'a scope'} (needs ${err.requiredScopes.join(', ') || 'more scopes'}). Grant it to the bot's device or set OPENCLAW_GATEWAY_SCOPES, then try again.`;
  }
  if (err instanceof GatewayRequestError)
    return `the gateway refused: ${err.gatewayCode}: ${err.message.split(': ').slice(2).join(': ') || err.message}`;
  if (err instanceof Error) return `the gateway could not be reached (${err.message}); try again when it is back`;
  return 'the gateway call failed; try again';
}
