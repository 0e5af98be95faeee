import type { App, BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { DecisionResult, PairingDecider } from '../../../pairing/decider.js';
import {
  APPROVE_ACTION_ID,
  DECIDE_ACTION_ID,
  type DecisionValue,
  parseDecisionValue,
  REJECT_ACTION_ID,
} from '../../blocks/decision-buttons.js';
import { mentionUser } from '../../escape.js';
import { respondReliably } from '../../respond-reliably.js';

export interface PairingDecisionDeps {
  decider: PairingDecider;
  log: Logger;
  /** Called after every decision so the card catches up at once. */
  syncCards: () => Promise<void>;
  /** Records the click latency (ack) for metrics. */
  observeAckMs?: (ms: number) => void;
}

/** Registers Approve / Reject (card buttons and digest overflow menus): ack at once, decide, tell the clicker privately. */
export function register(app: App, deps: PairingDecisionDeps): void {
  for (const actionId of [APPROVE_ACTION_ID, REJECT_ACTION_ID]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      const started = performance.now();
      await ack();
      deps.observeAckMs?.(performance.now() - started);
      const value = parseDecisionValue(action.value ?? '');
      const decision = actionId === APPROVE_ACTION_ID ? 'approve' : 'reject';
      await decideAndTell(deps, value, decision, body.user.id, body.response_url);
    });
  }
  app.action<BlockAction<OverflowAction>>(DECIDE_ACTION_ID, async ({ ack, body, action }) => {
    const started = performance.now();
    await ack();
    deps.observeAckMs?.(performance.now() - started);
    const value = parseDecisionValue(action.selected_option?.value ?? '');
    await decideAndTell(deps, value, value?.d, body.user.id, body.response_url);
  });
}

async function decideAndTell(
  deps: PairingDecisionDeps,
  value: DecisionValue | undefined,
  decision: 'approve' | 'reject' | undefined,
  userId: string,
  responseUrl: string | undefined,
): Promise<void> {
  if (!value || !decision) {
    const text = 'This button is not one of ours; nothing was done.';
    await respondReliably(responseUrl, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
    return;
  }
  const result = await deps.decider.decide({
    kind: value.k,
    requestId: value.r,
    fingerprint: value.f,
    userId,
    decision,
  });
  await deps.syncCards().catch(() => undefined);
  const text = describeResult(result);
  if (text) await respondReliably(responseUrl, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
}

/** The private note the clicker gets; undefined when the updated card says it all. */
export function describeResult(result: DecisionResult): string | undefined {
  switch (result.outcome) {
    case 'decided':
      return undefined;
    case 'refused':
      return `You can't decide this request: ${result.reason}. Nothing was sent to the gateway.`;
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
      return `Not applied: ${result.reason}. The card shows what is current.`;
    case 'failed':
      return `Not applied: ${result.message}`;
  }
}
