/** Why a decision did not happen, as codes: the Slack layer (src/slack/decision-notes.ts) turns them into words. */

import { ErrorCode, GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../errors.js';
import type { AnyDecision } from './decisions.js';

/** Why the clicker may not decide. */
export type Refusal =
  | 'nobody-configured'
  | 'needs-admin'
  | 'needs-approver'
  /** Exec approvals: OPENCLAW_EXEC_APPROVERS (default: the admins) is empty, or the clicker is not in it. */
  | 'nobody-configured-exec'
  | 'needs-exec-approver'
  /** The answer is not among the request's allowedDecisions (or the command was too long to show whole). */
  | 'decision-not-offered'
  /** A time-bound approval whose time OPENCLAW_APPROVAL_DURATIONS does not offer (or a time on a reject). */
  | 'duration-not-offered'
  /** OPENCLAW_REQUIRE_REASON covers this request and the decision came without a reason. */
  | 'reason-required';

/** Why the click no longer matches the request. */
export type ChangeReason = 'outdated-card' | 'surface-changed' | 'not-pending';

/** A decision that failed, or a note the card shows until the request is decided. */
export type DecisionFailure =
  | {
      readonly code: 'missing-scope';
      readonly missingScope: string | undefined;
      readonly requiredScopes: readonly string[];
    }
  | { readonly code: 'refused'; readonly gatewayCode: string; readonly message: string }
  | { readonly code: 'unreachable'; readonly message: string }
  | {
      readonly code: 'unconfirmed';
      readonly decision: AnyDecision;
      readonly sent: boolean;
      readonly message: string;
    }
  | { readonly code: 'dropped-stale'; readonly decision: AnyDecision; readonly claimedAtMs: number }
  | {
      readonly code: 'no-longer-allowed';
      readonly decision: AnyDecision;
      readonly userId: string;
      readonly refusal: Refusal;
    }
  | { readonly code: 'audit-unavailable' }
  /** Text stored by an older release. */
  | { readonly code: 'note'; readonly message: string };

/** True when a gateway call's outcome is unknown (it may have landed): the claim is kept until the lists tell. */
export function isUnknownOutcome(err: unknown): boolean {
  return (
    err instanceof GatewayTimeoutError ||
    (err instanceof GatewayClosedError && err.code === ErrorCode.CONNECTION_CLOSED)
  );
}

/** The failure of a gateway call as codes (`sent`: whether the decision had been sent). */
export function failureOf(err: unknown, decision: AnyDecision, sent: boolean): DecisionFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (isUnknownOutcome(err)) return { code: 'unconfirmed', decision, sent, message };
  if (err instanceof GatewayRequestError && err.detailCode === 'MISSING_SCOPE') {
    return { code: 'missing-scope', missingScope: err.missingScope, requiredScopes: err.requiredScopes };
  }
  if (err instanceof GatewayRequestError) {
    return {
      code: 'refused',
      gatewayCode: err.gatewayCode,
      message: err.message.split(': ').slice(2).join(': ') || err.message,
    };
  }
  return { code: 'unreachable', message };
}
