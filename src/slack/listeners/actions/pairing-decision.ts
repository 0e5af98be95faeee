import type { App, BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { PairingDecider } from '../../../pairing/decider.js';
import {
  APPROVE_ACTION_ID,
  DECIDE_ACTION_ID,
  type DecisionValue,
  parseDecisionValue,
  REJECT_ACTION_ID,
} from '../../blocks/decision-buttons.js';
import { describeResult } from '../../decision-notes.js';
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
