import type { App } from '@slack/bolt';
import type { ExecDecision } from '../../../pairing/types.js';
import {
  type PendingDecision,
  parsePendingDecision,
  REASON_CALLBACK_ID,
  REASON_INPUT,
  reasonOf,
} from '../../reason-modals.js';
import { type ClickOrigin, type DecisionClickDeps, tell } from '../actions/click-origin.js';
import { decideExecAndTell } from '../actions/exec-decision.js';
import { decideAndTell } from '../actions/pairing-decision.js';

/**
 * The reason modal submitted: an empty reason keeps it open with an error; otherwise it closes and the decision is
 * made with the reason, answered where the click came from (the message, the review modal below, or Home).
 */
export function register(app: App, deps: DecisionClickDeps): void {
  app.view(REASON_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const reason = reasonOf(view);
    if (reason === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [REASON_INPUT]: 'Say why in a few words: it is kept with the decision.' },
      });
      return;
    }
    await ack();
    const pending = parsePendingDecision(view.private_metadata);
    const answer: PendingDecision['answer'] = pending?.answer ?? {};
    const origin: ClickOrigin = {
      userId: body.user.id,
      responseUrl: answer.responseUrl,
      view: answer.home
        ? { id: '', hash: undefined, type: 'home' }
        : answer.viewId
          ? { id: answer.viewId, hash: undefined, type: 'modal' }
          : undefined,
      client,
    };
    if (!pending) {
      await tell(deps, origin, undefined, 'This form is not one of ours; nothing was done.');
      return;
    }
    const { value, decision } = pending;
    // parsePendingDecision pairs exec values with exec answers and pairing values with approve/reject only.
    if (value.k === 'exec' && isExecAnswer(decision)) await decideExecAndTell(deps, value, decision, origin, reason);
    else if (value.k !== 'exec' && !isExecAnswer(decision))
      await decideAndTell(deps, value, decision, origin, pending.durationMs, reason);
    else await tell(deps, origin, undefined, 'This form is not one of ours; nothing was done.');
  });
}

function isExecAnswer(decision: PendingDecision['decision']): decision is ExecDecision {
  return decision !== 'approve' && decision !== 'reject';
}
