/** The audit row of a pairing decision: who, what, on which request, and the surface it was about. */
import type { DecisionClaim, RequestKey } from '../storage/ports.js';
import type { AnyDecision, PairingRequest, RequestRecord } from './types.js';

/** What a decision's audit row is built from: the click or the claim it became. */
export interface AuditedDecision extends RequestKey {
  readonly userId: string;
  readonly decision: AnyDecision;
  readonly fingerprint: string;
  readonly durationMs?: number | undefined;
  readonly reason?: string | undefined;
}

/** What a request that widens an approved node adds and drops, against what it was approved for. */
export function surfaceChanges(request: PairingRequest) {
  const prior = request.previouslyApproved ?? { commands: [], caps: [] };
  const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));
  return {
    addedCommands: minus(request.commands, prior.commands),
    removedCommands: minus(prior.commands, request.commands),
    addedCaps: minus(request.caps, prior.caps),
    removedCaps: minus(prior.caps, request.caps),
  };
}

/** The audit row's who/what/target for a decision on `record`; `action` overrides `pairing.<decision>`. */
export function decisionAuditTarget(
  input: AuditedDecision | DecisionClaim,
  record: RequestRecord | undefined,
  action?: string,
) {
  const request = record?.request;
  return {
    actor: input.userId,
    action: action ?? `pairing.${input.decision}`,
    gateway: input.gateway,
    target: request ? `${input.kind}:${request.subjectId}` : `${input.kind}-request:${input.requestId}`,
    targetName: request?.displayName,
    requestId: input.requestId,
    fingerprint: input.fingerprint,
    params: request
      ? {
          caps: request.caps,
          commands: request.commands,
          scopes: request.scopes,
          roles: request.roles,
          ...(request.previouslyApproved ? { changes: surfaceChanges(request) } : {}),
          ...(input.durationMs ? { durationMs: input.durationMs } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
        }
      : undefined,
  };
}
