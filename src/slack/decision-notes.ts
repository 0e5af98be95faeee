import type { DecisionResult } from '../pairing/decider.js';
import { escapeMrkdwn, mentionUser } from './escape.js';

/** The private note the clicker gets; undefined when the updated card says it all. */
export function describeResult(result: DecisionResult): string | undefined {
  switch (result.outcome) {
    case 'decided':
      return undefined;
    case 'refused':
      return `You can't decide this request: ${escapeMrkdwn(result.reason)}. Nothing was sent to the gateway.`;
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
      return `Not applied: ${escapeMrkdwn(result.reason)}. The card shows what is current.`;
    case 'failed':
      return `Not applied: ${escapeMrkdwn(result.message)}`;
  }
}
