import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { parseReviewValue, REVIEW_ACTION_ID } from '../../blocks/decision-buttons.js';
import { respondReliably } from '../../respond-reliably.js';
import type { ReviewModals } from '../../review-modals.js';

export interface PairingReviewDeps {
  modals: ReviewModals;
  log: Logger;
}

/** Review… on a digest entry: opens the request's full card in a modal, where Approve/Reject are. */
export function register(app: App, deps: PairingReviewDeps): void {
  app.action<BlockAction<ButtonAction>>(REVIEW_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const value = parseReviewValue(action.value ?? '');
    const opened = value
      ? await deps.modals.open(client, body.trigger_id, { gateway: value.g, kind: value.k, requestId: value.r })
      : false;
    if (!opened) {
      const text = 'This request is not known to the bot any more; see `/openclaw pending` for what is waiting.';
      await respondReliably(body.response_url, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
    }
  });
}
