/** The audit row of a pairing decision: who, what, on which request, and the surface it was about. */
import type { DecisionClaim, RequestKey } from '../storage/ports.js';
import type { AnyDecision, RequestRecord } from './types.js';

/** What a decision's audit row is built from: the click or the claim it became. */
export interface AuditedDecision extends RequestKey {
  readonly userId: string;
  readonly decision: AnyDecision;
  readonly fingerprint: string;
  readonly durationMs?: number | undefined;
  readonly reason?: string | undefined;
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
          ...(input.durationMs ? { durationMs: input.durationMs } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
        }
      : undefined,
  };
}
