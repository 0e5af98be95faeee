import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { RequestKey } from '../../../storage/ports.js';
import {
  APPROVE_ACTION_ID,
  DECIDE_ACTION_ID,
  type DecisionValue,
  parseDecisionValue,
  parseDurationOf,
  REJECT_ACTION_ID,
} from '../../blocks/decision-buttons.js';
import { describeResult } from '../../decision-notes.js';
import { type ClickOrigin, type DecisionClickDeps, decideAndAnswer, originOf, tell } from './click-origin.js';

/** Registers Approve / Reject (on cards and in review modals): ack at once, decide, tell the clicker privately. */
export function register(app: App, deps: DecisionClickDeps): void {
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
  // "Approve for …": an approval that ends (the node is removed) after the time the button names.
  app.action<BlockAction<ButtonAction>>(/^pairing\.approve_for\./, async ({ ack, body, action, client }) => {
    const started = performance.now();
    await ack();
    deps.observeAckMs?.(performance.now() - started);
    const value = parseDecisionValue(action.value ?? '');
    const durationMs = parseDurationOf(action.value ?? '');
    await decideAndTell(deps, value && durationMs ? value : undefined, 'approve', originOf(body, client), durationMs);
  });
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
  deps: DecisionClickDeps,
  value: DecisionValue | undefined,
  decision: 'approve' | 'reject',
  origin: ClickOrigin,
  durationMs?: number,
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
  await decideAndAnswer(
    deps,
    origin,
    { key, action: `pairing.${decision}`, target: `request:${key.requestId.slice(0, 128)}` },
    () => runtime.decider.decide({ ...key, fingerprint: value.f, userId: origin.userId, decision, durationMs }),
    describeResult,
  );
}
