import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditLog } from '../../../audit/audit-log.js';
import { StorageUnavailableError } from '../../../errors.js';
import type { DecisionResult } from '../../../pairing/decider.js';
import type { Gateways } from '../../../runtime/gateways.js';
import type { RequestKey } from '../../../storage/ports.js';
import {
  APPROVE_ACTION_ID,
  DECIDE_ACTION_ID,
  type DecisionValue,
  parseDecisionValue,
  REJECT_ACTION_ID,
} from '../../blocks/decision-buttons.js';
import { describeResult, STORAGE_UNAVAILABLE_MESSAGE } from '../../decision-notes.js';
import { respondReliably } from '../../respond-reliably.js';
import type { ReviewModals } from '../../review-modals.js';

export interface PairingDecisionDeps {
  gateways: Gateways;
  audit: AuditLog;
  modals: ReviewModals;
  log: Logger;
  /** Called after every decision so the card catches up at once. */
  syncCards: () => Promise<void>;
  /** Records the click latency (ack) for metrics. */
  observeAckMs?: (ms: number) => void;
}

/** Where the click came from: a message (answer on its response_url) or a review modal (update the modal). */
interface ClickOrigin {
  readonly userId: string;
  readonly responseUrl: string | undefined;
  readonly view: { readonly id: string; readonly hash: string | undefined } | undefined;
  readonly client: WebClient;
}

function originOf(body: BlockAction, client: WebClient): ClickOrigin {
  const view = body.container?.type === 'view' && body.view ? { id: body.view.id, hash: body.view.hash } : undefined;
  return { userId: body.user.id, responseUrl: body.response_url, view, client };
}

/** Registers Approve / Reject (on cards and in review modals): ack at once, decide, tell the clicker privately. */
export function register(app: App, deps: PairingDecisionDeps): void {
  for (const actionId of [APPROVE_ACTION_ID, REJECT_ACTION_ID]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      const started = performance.now();
      await ack();
      deps.observeAckMs?.(performance.now() - started);
      const value = parseDecisionValue(action.value ?? '');
      const decision = actionId === APPROVE_ACTION_ID ? 'approve' : 'reject';
      await decideAndTell(deps, value, decision, originOf(body, client));
    });
  }
  // Digests of older releases carried Approve/Reject in an overflow menu that never showed the surface: refused.
  app.action<BlockAction>(DECIDE_ACTION_ID, async ({ ack, body, client }) => {
    await ack();
    const origin = originOf(body, client);
    await deps.audit.record({
      actor: origin.userId,
      action: 'pairing.decide',
      target: 'digest-menu',
      outcome: 'refused',
      detail: 'menu of an older release (decided without showing the request)',
    });
    await tell(
      deps,
      origin,
      undefined,
      'This menu is from an older version of the card and decides nothing now. Use the card’s Review button, which shows the whole request first.',
    );
  });
}

async function decideAndTell(
  deps: PairingDecisionDeps,
  value: DecisionValue | undefined,
  decision: 'approve' | 'reject',
  origin: ClickOrigin,
): Promise<void> {
  const runtime = value ? deps.gateways.get(value.g) : undefined;
  if (!value || !runtime) {
    await deps.audit.record({
      actor: origin.userId,
      action: `pairing.${decision}`,
      gateway: value?.g,
      target: value ? `request:${value.r.slice(0, 128)}` : 'unparsable button value',
      outcome: 'refused',
      detail: value ? 'button of a gateway that is not configured' : 'malformed or forged button value',
    });
    await tell(deps, origin, undefined, 'This button is not one of ours; nothing was done.');
    return;
  }
  const key: RequestKey = { gateway: value.g, kind: value.k, requestId: value.r };
  let result: DecisionResult;
  try {
    result = await runtime.decider.decide({ ...key, fingerprint: value.f, userId: origin.userId, decision });
  } catch (err) {
    if (!(err instanceof StorageUnavailableError)) throw err;
    deps.log.warn({ err, requestId: key.requestId }, 'a decision click found the database unreachable');
    // Kept by the audit log until the database is back.
    await deps.audit.record({
      actor: origin.userId,
      action: `pairing.${decision}`,
      gateway: key.gateway,
      target: `request:${key.requestId.slice(0, 128)}`,
      requestId: key.requestId,
      outcome: 'failed',
      detail: 'database unreachable; nothing was sent to the gateway',
    });
    await tell(deps, origin, undefined, STORAGE_UNAVAILABLE_MESSAGE);
    return;
  }
  await deps.syncCards().catch(() => undefined);
  await tell(deps, origin, key, describeResult(result));
}

/** Answers the clicker: privately under the message, or by re-rendering the modal they clicked in. */
async function tell(
  deps: PairingDecisionDeps,
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
