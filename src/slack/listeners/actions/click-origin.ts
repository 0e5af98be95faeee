/** Where a decision click came from, and how its clicker is answered: shared by pairing and exec decisions. */
import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditLog } from '../../../audit/audit-log.js';
import { StorageUnavailableError } from '../../../errors.js';
import type { DecisionResult } from '../../../pairing/decider.js';
import type { Gateways } from '../../../runtime/gateways.js';
import type { RequestKey, Storage } from '../../../storage/ports.js';
import type { AppHome } from '../../app-home.js';
import { STORAGE_UNAVAILABLE_MESSAGE } from '../../decision-notes.js';
import type { ReasonModals } from '../../reason-modals.js';
import { respondReliably } from '../../respond-reliably.js';
import type { ReviewModals } from '../../review-modals.js';

/** What decision listeners need. */
export interface DecisionClickDeps {
  gateways: Gateways;
  /** Reads: whether a request needs a reason before it is decided. */
  storage: Pick<Storage, 'requests'>;
  audit: AuditLog;
  modals: ReviewModals;
  /** OPENCLAW_REQUIRE_REASON: the modal asking why. */
  reasons: ReasonModals;
  home: AppHome;
  log: Logger;
  /** Called after every decision so the card catches up at once. */
  syncCards: () => Promise<void>;
  /** Records the click latency (ack) for metrics. */
  observeAckMs?: (ms: number) => void;
}

/** A message (answer on its response_url), a review modal (update the modal) or the Home tab (publish it again). */
export interface ClickOrigin {
  readonly userId: string;
  readonly responseUrl: string | undefined;
  readonly view:
    | { readonly id: string; readonly hash: string | undefined; readonly type: 'modal' | 'home' }
    | undefined;
  readonly client: WebClient;
  /** The click's trigger_id (a modal can be opened with it within 3 s). */
  readonly triggerId?: string | undefined;
}

export function originOf(body: BlockAction, client: WebClient): ClickOrigin {
  const view =
    body.container?.type === 'view' && body.view
      ? {
          id: body.view.id,
          hash: body.view.hash,
          type: body.view.type === 'home' ? ('home' as const) : ('modal' as const),
        }
      : undefined;
  return { userId: body.user.id, responseUrl: body.response_url, view, client, triggerId: body.trigger_id };
}

/** Answers the clicker: privately under the message, or by re-rendering the modal or Home tab they clicked in. */
export async function tell(
  deps: Pick<DecisionClickDeps, 'modals' | 'home' | 'log'>,
  origin: ClickOrigin,
  request: RequestKey | undefined,
  text: string | undefined,
): Promise<void> {
  if (origin.view?.type === 'home') {
    await deps.home.answer(origin.client, origin.userId, request, text);
    return;
  }
  if (origin.view) {
    await deps.modals.update(origin.client, origin.view, request, text ?? 'Done: the card shows the outcome.');
    return;
  }
  if (text)
    await respondReliably(origin.responseUrl, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
}

/**
 * Runs a decision and answers the clicker with `describe(result)`; a store that cannot be reached is audited (the
 * row waits in memory), logged and answered with the "nothing was done" message.
 */
export async function decideAndAnswer(
  deps: DecisionClickDeps,
  origin: ClickOrigin,
  click: { readonly key: RequestKey; readonly action: string; readonly target: string },
  decide: () => Promise<DecisionResult>,
  describe: (result: DecisionResult) => string | undefined,
): Promise<void> {
  let result: DecisionResult;
  try {
    result = await decide();
  } catch (err) {
    if (!(err instanceof StorageUnavailableError)) throw err;
    deps.log.warn({ err, requestId: click.key.requestId }, `a ${click.action} click found the database unreachable`);
    await deps.audit.record({
      actor: origin.userId,
      action: click.action,
      gateway: click.key.gateway,
      target: click.target,
      requestId: click.key.requestId,
      outcome: 'failed',
      detail: 'database unreachable; nothing was sent to the gateway',
    });
    await tell(deps, origin, undefined, STORAGE_UNAVAILABLE_MESSAGE);
    return;
  }
  await deps.syncCards().catch(() => undefined);
  await tell(deps, origin, click.key, describe(result));
}
