/** Where a decision click came from, and how its clicker is answered: shared by pairing and exec decisions. */
import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditLog } from '../../../audit/audit-log.js';
import type { Gateways } from '../../../runtime/gateways.js';
import type { RequestKey } from '../../../storage/ports.js';
import { respondReliably } from '../../respond-reliably.js';
import type { ReviewModals } from '../../review-modals.js';

/** What decision listeners need. */
export interface DecisionClickDeps {
  gateways: Gateways;
  audit: AuditLog;
  modals: ReviewModals;
  log: Logger;
  /** Called after every decision so the card catches up at once. */
  syncCards: () => Promise<void>;
  /** Records the click latency (ack) for metrics. */
  observeAckMs?: (ms: number) => void;
}

/** A message (answer on its response_url) or a review modal (update the modal). */
export interface ClickOrigin {
  readonly userId: string;
  readonly responseUrl: string | undefined;
  readonly view: { readonly id: string; readonly hash: string | undefined } | undefined;
  readonly client: WebClient;
}

export function originOf(body: BlockAction, client: WebClient): ClickOrigin {
  const view = body.container?.type === 'view' && body.view ? { id: body.view.id, hash: body.view.hash } : undefined;
  return { userId: body.user.id, responseUrl: body.response_url, view, client };
}

/** Answers the clicker: privately under the message, or by re-rendering the modal they clicked in. */
export async function tell(
  deps: Pick<DecisionClickDeps, 'modals' | 'log'>,
  origin: ClickOrigin,
  request: RequestKey | undefined,
  text: string | undefined,
): Promise<void> {
  if (origin.view) {
    await deps.modals.update(origin.client, origin.view, request, text ?? 'Done: the card shows the outcome.');
    return;
  }
  if (text)
    await respondReliably(origin.responseUrl, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
}
