import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { PairingStore } from '../pairing/store.js';
import type { RequestKind } from '../pairing/types.js';
import { plainText, section } from './blocks/block-kit.js';
import type { CardContext } from './blocks/pairing-card.js';
import { REVIEW_CALLBACK_ID, renderReviewModal } from './blocks/review-modal.js';
import { escapeMrkdwn } from './escape.js';
import { describeSlackError } from './slack-errors.js';

export interface ReviewModalsOptions {
  store: Pick<PairingStore, 'get'>;
  context: () => CardContext;
  log: Logger;
}

/** Opens and refreshes review modals: the full card of one request, from the current record. */
export class ReviewModals {
  constructor(private readonly options: ReviewModalsOptions) {}

  /** Opens the modal for a request (within the trigger's 3 s); returns false when the request is unknown. */
  async open(client: WebClient, triggerId: string, kind: RequestKind, requestId: string): Promise<boolean> {
    const record = this.options.store.get(kind, requestId);
    if (!record) return false;
    try {
      await client.views.open({ trigger_id: triggerId, view: renderReviewModal(record, this.options.context()) });
    } catch (err) {
      this.options.log.warn({ err, requestId }, `could not open a review modal: ${describeSlackError(err)}`);
    }
    return true;
  }

  /** Re-renders an open modal with the request as it is now and a note on what the click did. */
  async update(
    client: WebClient,
    view: { readonly id: string; readonly hash: string | undefined },
    request: { kind: RequestKind; requestId: string } | undefined,
    note: string,
  ): Promise<void> {
    const record = request ? this.options.store.get(request.kind, request.requestId) : undefined;
    const rendered = record
      ? renderReviewModal(record, this.options.context(), note)
      : {
          type: 'modal' as const,
          callback_id: REVIEW_CALLBACK_ID,
          title: plainText('Pairing request', 24),
          close: plainText('Close', 24),
          blocks: [section('review.gone', escapeMrkdwn(note))],
        };
    try {
      await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: rendered });
    } catch (err) {
      this.options.log.warn({ err }, `could not update a review modal: ${describeSlackError(err)}`);
    }
  }
}
