import type { types } from '@slack/bolt';
import { type RenderedMessage, section } from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, oneLine, plain, truncate } from '../../slack/escape.js';

export const CONFIRM_ACTION_ID = 'command.confirm';
export const CANCEL_ACTION_ID = 'command.cancel';

/** A confirmation prompt: `title` is plain text (escaped here), `lines` already-escaped mrkdwn. Buttons carry only the id. */
export function renderConfirmation(input: {
  id: string;
  title: string;
  lines: string[];
  confirmLabel: string;
}): RenderedMessage {
  const actions: types.ActionsBlock = {
    type: 'actions',
    block_id: 'confirm.actions',
    elements: [
      {
        type: 'button',
        action_id: CONFIRM_ACTION_ID,
        style: 'danger',
        value: input.id,
        text: { type: 'plain_text', text: plain(input.confirmLabel, 75) },
      },
      { type: 'button', action_id: CANCEL_ACTION_ID, value: input.id, text: { type: 'plain_text', text: 'Cancel' } },
    ],
  };
  const title = truncate(escapeMrkdwn(oneLine(input.title)), 200);
  return {
    text: title,
    blocks: [
      section('confirm.title', `*${title}*`),
      section('confirm.body', truncate(input.lines.join('\n'), 2_900)),
      actions,
    ],
  };
}
