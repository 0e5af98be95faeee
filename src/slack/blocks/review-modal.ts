/** The full pairing card in a modal: what a digest's Review button opens, and where its decision is made. */
import type { types } from '@slack/bolt';
import type { RequestRecord } from '../../pairing/types.js';
import { truncate } from '../escape.js';
import { type Block, context, plainText } from './block-kit.js';
import { renderCard } from './card.js';
import type { CardContext } from './pairing-card.js';

/** callback_id of the review modal. */
export const REVIEW_CALLBACK_ID = 'pairing.review';

const NOTE_MAX = 1_000;
const TITLES = { node: 'Node pairing', device: 'Device pairing', exec: 'Exec approval' } as const;

/**
 * Returns the modal for `record`; `note` tells the viewer what their click did: mrkdwn the bot wrote (the decision
 * notes escape what they quote and mention the decider), so it is not escaped again.
 */
export function renderReviewModal(record: RequestRecord, ctx: CardContext, note?: string): types.ModalView {
  const card = renderCard(record, ctx, true);
  const noteBlock: Block[] = note ? [context('review.note', [`ℹ️ ${truncate(note, NOTE_MAX)}`])] : [];
  return {
    type: 'modal',
    callback_id: REVIEW_CALLBACK_ID,
    title: plainText(TITLES[record.kind], 24),
    close: plainText('Close', 24),
    private_metadata: JSON.stringify({ g: record.gateway, k: record.kind, r: record.requestId }).slice(0, 3000),
    blocks: [...noteBlock, ...card.blocks],
  };
}
