/** One request's card, whatever its kind: a pairing card or an exec approval card. */
import type { RequestRecord } from '../../pairing/types.js';
import type { RenderedMessage } from './block-kit.js';
import { renderExecCard } from './exec-card.js';
import { type CardContext, renderPairingCard } from './pairing-card.js';

/** Renders the card of `record` (`full`: the modal view, where an exec command is shown whole). */
export function renderCard(record: RequestRecord, ctx: CardContext, full = false): RenderedMessage {
  return record.kind === 'exec' ? renderExecCard(record, ctx, full) : renderPairingCard(record, ctx);
}
