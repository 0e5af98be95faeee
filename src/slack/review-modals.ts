import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { RequestKey, Storage } from '../storage/ports.js';
import { plainText, section } from './blocks/block-kit.js';
import type { CardContext } from './blocks/pairing-card.js';
import { REVIEW_CALLBACK_ID, renderReviewModal } from './blocks/review-modal.js';
import { describeSlackError } from './slack-errors.js';

export interface ReviewModalsOptions {
  storage: Pick<Storage, 'requests'>;
  context: () => CardContext;
  log: Logger;
}

/** Opens and refreshes review modals: the full card of one request, from the current record. */
export class ReviewModals {
  constructor(private readonly options: ReviewModalsOptions) {}

  /** Opens the modal for a request (within the trigger's 3 s); returns false when the request is unknown. */
  async open(client: WebClient, triggerId: string, key: RequestKey): Promise<boolean> {
    const record = await this.options.storage.requests.get(key);
    if (!record) return false;
    try {
      await client.views.open({ trigger_id: triggerId, view: renderReviewModal(record, this.options.context()) });
    } catch (err) {
      this.options.log.warn(
        { err, requestId: key.requestId },
        `could not open a review modal: ${describeSlackError(err)}`,
      );
    }
    return true;
  }

  /** Re-renders an open modal with the request as it is now and a note on what the click did. */
  async update(
    client: WebClient,
    view: { readonly id: string; readonly hash: string | undefined },
    request: RequestKey | undefined,
    note: string,
  ): Promise<void> {
    const record = request ? await this.options.storage.requests.get(request) : undefined;
    const rendered = record
      ? renderReviewModal(record, this.options.context(), note)
      : {
          type: 'modal' as const,
          callback_id: REVIEW_CALLBACK_ID,
          title: plainText('Pairing request', 24),
          close: plainText('Close', 24),
          blocks: [section('review.gone', note)],
        };
    try {
      await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: rendered });
    } catch (err) {
      this.options.log.warn({ err }, `could not update a review modal: ${describeSlackError(err)}`);
    }
  }
}
