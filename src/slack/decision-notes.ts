/** The words for the pairing domain's codes: refusals, changes and failures, on cards, replies and private notes. */
import { AUDIT_UNAVAILABLE_MESSAGE } from '../audit/audit-log.js';
import type { DecisionResult } from '../pairing/decider.js';
import { type ChangeReason, type DecisionFailure, failureOf, type Refusal } from '../pairing/decision-failure.js';
import { escapeMrkdwn, mentionUser } from './escape.js';

/** Why a person may not decide, naming the variable that grants it (plain text). */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal) {
    case 'nobody-configured':
      return 'nobody may decide pairing requests yet: set OPENCLAW_APPROVERS / OPENCLAW_ADMINS';
    case 'needs-admin':
      return 'this request grants admin-sensitive access (commands not on the harmless list, or more than read-only scopes), so only OPENCLAW_ADMINS may decide it';
    case 'needs-approver':
      return 'only OPENCLAW_APPROVERS or OPENCLAW_ADMINS may decide pairing requests';
    case 'nobody-configured-exec':
      return 'nobody may decide exec approvals yet: set OPENCLAW_EXEC_APPROVERS (or OPENCLAW_ADMINS, its default)';
    case 'needs-exec-approver':
      return 'only OPENCLAW_EXEC_APPROVERS (by default the admins) may decide exec approvals';
    case 'reason-required':
      return 'this request needs a reason (OPENCLAW_REQUIRE_REASON): decide it on its card, where a box asks why';
    case 'duration-not-offered':
      return 'that approval time is not one this bot offers now (OPENCLAW_APPROVAL_DURATIONS); approve from the current card';
    case 'decision-not-offered':
      return 'this request does not offer that answer (the gateway lists which it allows, and a command too long to show whole can only be denied here)';
  }
}

/** Why a click no longer matches the request (plain text). */
export function describeChange(reason: ChangeReason): string {
  switch (reason) {
    case 'outdated-card':
      return 'the card you clicked is out of date (the request was re-rendered since); review the current card';
    case 'surface-changed':
      return 'the request changed since the card was shown (its command surface differs); review the updated card';
    case 'not-pending':
      return 'the request is no longer pending on the gateway';
  }
}

/** What went wrong and what to do (plain text). */
export function describeFailure(failure: DecisionFailure): string {
  switch (failure.code) {
    case 'missing-scope':
      return `the gateway refused: the bot's gateway session lacks ${failure.missingScope ?? 'a scope'} (needs ${failure.requiredScopes.join(', ') || 'more scopes'}). Grant it to the bot's device or set OPENCLAW_GATEWAY_SCOPES, then try again.`;
    case 'refused':
      return `the gateway refused: ${failure.gatewayCode}: ${failure.message}`;
    case 'unreachable':
      return `the gateway could not be reached (${failure.message}); try again when it is back`;
    case 'unconfirmed':
      return `the gateway did not confirm the ${failure.decision} (${failure.sent ? 'sent' : 'not sent yet'}: ${failure.message}); the bot finishes it when the gateway answers again`;
    case 'dropped-stale':
      return `the ${failure.decision} clicked at ${new Date(failure.claimedAtMs).toISOString()} was never confirmed by the gateway and was dropped; decide again`;
    case 'no-longer-allowed':
      return `the ${failure.decision} by ${failure.userId} was not finished: ${describeRefusal(failure.refusal)}`;
    case 'audit-unavailable':
      return AUDIT_UNAVAILABLE_MESSAGE;
    case 'note':
      return failure.message;
  }
}

/** Words for a refused or failed gateway call (a command's), telling the operator what to fix. */
export function describeGatewayError(err: unknown): string {
  const failure = failureOf(err, 'approve', true);
  return failure.code === 'unconfirmed'
    ? `the gateway did not answer (${failure.message}); try again`
    : describeFailure(failure);
}

/** The private note the clicker gets; undefined when the updated card says it all. */
export function describeResult(result: DecisionResult): string | undefined {
  switch (result.outcome) {
    case 'decided':
      return undefined;
    case 'refused':
      return `You can't decide this request: ${escapeMrkdwn(describeRefusal(result.refusal))}. Nothing was sent to the gateway.`;
    case 'unknown':
      return 'This request is not known to the bot any more; see `/openclaw pending` for what is waiting.';
    case 'already': {
      if (!result.claim && !['approved', 'rejected'].includes(result.record.status)) {
        return `Not applied: this request is no longer pending (${result.record.status}). The card shows what is current.`;
      }
      const by = result.claim
        ? `${mentionUser(result.claim.userId)} is deciding it right now`
        : result.record.resolvedBy?.via === 'slack'
          ? `${mentionUser(result.record.resolvedBy.userId)} already decided it (${result.record.status})`
          : `it was already ${result.record.status} outside Slack`;
      return `Already handled: ${by}.`;
    }
    case 'changed':
      return `Not applied: ${escapeMrkdwn(describeChange(result.reason))}. The card shows what is current.`;
    case 'failed':
      return `Not applied: ${escapeMrkdwn(describeFailure(result.failure))}`;
    case 'unrecorded':
      return `The gateway applied your ${result.decision}, but the bot's database is unreachable, so the card cannot show it yet; it will once the database is back.`;
    case 'first-approval':
      return result.mine
        ? 'You approved this already (1 of 2): a second, different person has to approve it before anything is sent to the gateway. You can withdraw your approval on the card.'
        : 'Recorded: 1 of 2 approvals. Nothing is sent to the gateway until a second, different person who may decide it approves too.';
    case 'withdrawn':
      return result.ok
        ? 'Your approval is withdrawn; nothing was sent to the gateway.'
        : 'Nothing withdrawn: only the person who gave the first approval can withdraw it, while the request is pending and unchanged.';
  }
}

/** The note for a click or command that found the database unreachable before it changed anything. */
export const STORAGE_UNAVAILABLE_MESSAGE =
  "The bot's database is unreachable right now, so nothing was done and nothing was sent to the gateway. Try again in a minute; if it lasts, the operators should check the database (see /readyz and the bot's logs).";

const EXEC_WORDS: Readonly<Record<string, string>> = {
  'allow-once': 'allowed it once',
  'allow-always': 'allowed it always',
  deny: 'denied it',
};

/** The private note after an exec click; undefined when the updated card says it all. */
export function describeExecResult(result: DecisionResult): string | undefined {
  switch (result.outcome) {
    case 'refused':
      return `You can't decide this: ${escapeMrkdwn(describeRefusal(result.refusal))}. Nothing was sent to the gateway.`;
    case 'unknown':
      return 'This exec approval is not known to the bot any more; `/openclaw approvals` lists those waiting.';
    case 'already': {
      if (result.claim) return `Already handled: ${mentionUser(result.claim.userId)} is deciding it right now.`;
      const { record } = result;
      const by = record.resolvedBy;
      if (record.status === 'expired') return 'Not applied: this request had already expired; the command did not run.';
      if (record.status === 'pending')
        return 'Not applied: the gateway had already settled it; the card shows the outcome shortly.';
      const words = EXEC_WORDS[by?.decision ?? (record.status === 'rejected' ? 'deny' : 'allow-once')] ?? record.status;
      const who = by?.via === 'slack' ? mentionUser(by.userId) : 'someone outside Slack';
      return `Not applied: ${who} already ${words}.`;
    }
    case 'changed':
      return `Not applied: ${escapeMrkdwn(describeChange(result.reason))}. The card shows what is current.`;
    case 'failed':
      return `Not applied: ${escapeMrkdwn(describeFailure(result.failure))}`;
    case 'unrecorded':
      return `The gateway took your ${result.decision}, but the bot's database is unreachable, so the card cannot show it yet; it will once the database is back.`;
    case 'decided':
      return undefined;
    case 'first-approval':
    case 'withdrawn':
      return describeResult(result);
  }
}
