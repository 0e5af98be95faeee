import type { Logger } from 'pino';
import { GatewayRequestError, isGatewayError } from '../errors.js';
import { fingerprintRequest } from '../slack/blocks/fingerprint.js';
import type { PairingWatcher } from './pairing-watcher.js';
import type { MembershipCheck, PairingGateway } from './ports.js';
import type { DecisionClaim, PairingStore } from './store.js';
import { toDeviceRequest, toNodeRequest } from './to-request.js';
import { isAdminSensitive, type PairingRequest, type RequestKind, type RequestRecord } from './types.js';

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
  watcher: Pick<PairingWatcher, 'reconcile'>;
  access: AccessLists;
  isMember: MembershipCheck;
  log: Logger;
  onChange: () => void;
  /** Observes every click's outcome (metrics). */
  onOutcome?: (outcome: DecisionResult['outcome']) => void;
  nowMs?: () => number;
}

/** Applies approve/reject clicks exactly once, only to the surface that was shown, only for allowed users. */
export class PairingDecider {
  private readonly nowMs: () => number;

  constructor(private readonly options: PairingDeciderOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Who may decide this request, as a sentence for refusals and cards. */
  async authorize(userId: string, request: PairingRequest): Promise<{ ok: true } | { ok: false; reason: string }> {
    const { approvers, admins } = this.options.access;
    const adminOnly = isAdminSensitive(request);
    if (await this.options.isMember(userId, admins)) return { ok: true };
    if (!adminOnly && (await this.options.isMember(userId, approvers))) return { ok: true };
    if (approvers.length === 0 && admins.length === 0) {
      return { ok: false, reason: 'nobody may decide pairing requests yet: set OPENCLAW_APPROVERS / OPENCLAW_ADMINS' };
    }
    return {
      ok: false,
      reason: adminOnly
        ? 'this request grants admin-sensitive access (shell, files or browser), so only OPENCLAW_ADMINS may decide it'
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
    if (record.status !== 'pending') return { outcome: 'already', record };
    const claim = store.claim({ ...input, claimedAtMs: this.nowMs() });
    if (!claim.ok) {
      this.audit(input, 'already', `claimed by ${claim.existing.userId}`);
      return { outcome: 'already', record, claim: claim.existing };
    }
    return this.execute({ ...input, claimedAtMs: this.nowMs() }, record);
  }

  /** Finishes claims left by a previous run (bot restarted after the click, before the gateway answered). */
  async resumeClaims(): Promise<void> {
    for (const claim of this.options.store.listClaims()) {
      const record = this.options.store.get(claim.kind, claim.requestId);
      if (record?.status !== 'pending') {
        this.options.store.releaseClaim(claim.kind, claim.requestId);
        continue;
      }
      await this.execute(claim, record);
    }
  }

  private async execute(claim: DecisionClaim, record: RequestRecord): Promise<DecisionResult> {
    const { store, log } = this.options;
    try {
      const current = await this.readCurrent(claim.kind, claim.requestId);
      if (!current || fingerprintRequest(current) !== claim.fingerprint) {
        return await this.onChanged(claim, current);
      }
      if (claim.kind === 'node') {
        await (claim.decision === 'approve' ? this.options.gateway.pairApprove : this.options.gateway.pairReject).call(
          this.options.gateway,
          claim.requestId,
        );
      } else {
        await (claim.decision === 'approve'
          ? this.options.gateway.devicePairApprove
          : this.options.gateway.devicePairReject
        ).call(this.options.gateway, claim.requestId);
      }
    } catch (err) {
      return this.onGatewayError(claim, record, err);
    }
    const now = this.nowMs();
    store.resolve(
      claim.kind,
      claim.requestId,
      claim.decision === 'approve' ? 'approved' : 'rejected',
      {
        via: 'slack',
        userId: claim.userId,
      },
      now,
    );
    store.enqueueReply(claim.kind, claim.requestId, now);
    store.releaseClaim(claim.kind, claim.requestId);
    this.audit(claim, 'ok');
    log.info(
      { ...claim, actor: claim.userId },
      `pairing request ${claim.decision === 'approve' ? 'approved' : 'rejected'}`,
    );
    this.options.onChange();
    return { outcome: 'decided', record: store.get(claim.kind, claim.requestId) ?? record };
  }

  private async onChanged(claim: DecisionClaim, current: PairingRequest | undefined): Promise<DecisionResult> {
    const { store } = this.options;
    store.releaseClaim(claim.kind, claim.requestId);
    const reason = current
      ? 'the request changed since the card was shown (its command surface differs); review the updated card'
      : 'the request is no longer pending on the gateway';
    if (current) store.updateRequest(claim.kind, claim.requestId, current, fingerprintRequest(current), this.nowMs());
    else store.markDirty(claim.kind, claim.requestId);
    this.audit(claim, 'changed', reason);
    await this.options.watcher.reconcile('decision found a changed request');
    this.options.onChange();
    return { outcome: 'changed', record: store.get(claim.kind, claim.requestId), reason };
  }

  private async onGatewayError(claim: DecisionClaim, record: RequestRecord, err: unknown): Promise<DecisionResult> {
    const { store, log } = this.options;
    store.releaseClaim(claim.kind, claim.requestId);
    if (isGatewayError(err, 'INVALID_REQUEST') && /unknown requestId/.test((err as GatewayRequestError).message)) {
      // "unknown requestId" means gone or already resolved; the lists say which.
      return this.onChanged(claim, undefined);
    }
    const message = describeDecisionError(err);
    store.setError(claim.kind, claim.requestId, message, this.nowMs());
    this.audit(claim, 'failed', message);
    log.warn({ err, requestId: claim.requestId, decision: claim.decision }, 'pairing decision failed');
    this.options.onChange();
    return { outcome: 'failed', record: store.get(claim.kind, claim.requestId) ?? record, message };
  }

  private async readCurrent(kind: RequestKind, requestId: string): Promise<PairingRequest | undefined> {
    const now = this.nowMs();
    if (kind === 'node') {
      const list = await this.options.gateway.pairList();
      const raw = list.pending.find((r) => r.requestId === requestId);
      return raw
        ? toNodeRequest(
            raw,
            list.paired.find((p) => p.nodeId === raw.nodeId),
            now,
          )
        : undefined;
    }
    const list = await this.options.gateway.devicePairList();
    const raw = list.pending.find((r) => r.requestId === requestId);
    return raw ? toDeviceRequest(raw, now) : undefined;
  }

  private audit(
    input: Omit<DecisionInput, 'fingerprint'> & { fingerprint?: string },
    outcome: 'ok' | 'refused' | 'failed' | 'changed' | 'already',
    detail?: string,
  ): void {
    this.options.store.appendAudit({
      atMs: this.nowMs(),
      actor: input.userId,
      action: `pairing.${input.decision}`,
      target: `${input.kind}:${input.requestId}`,
      requestId: input.requestId,
      fingerprint: input.fingerprint,
      outcome,
      detail,
    });
  }
}

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
