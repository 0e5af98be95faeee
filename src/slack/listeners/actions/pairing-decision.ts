import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { GatewayRuntime } from '../../../runtime/gateways.js';
import type { RequestKey } from '../../../storage/ports.js';
import {
  APPROVE_ACTION_ID,
  APPROVE_FOR_ACTION_PREFIX,
  actionIdsStartingWith,
  DECIDE_ACTION_ID,
  type DecisionValue,
  parseDecisionValue,
  parseDurationOf,
  REJECT_ACTION_ID,
  WITHDRAW_ACTION_ID,
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
  app.action<BlockAction<ButtonAction>>(
    actionIdsStartingWith(APPROVE_FOR_ACTION_PREFIX),
    async ({ ack, body, action, client }) => {
      const started = performance.now();
      await ack();
      deps.observeAckMs?.(performance.now() - started);
      const value = parseDecisionValue(action.value ?? '');
      const durationMs = parseDurationOf(action.value ?? '');
      await decideAndTell(deps, value && durationMs ? value : undefined, 'approve', originOf(body, client), durationMs);
    },
  );
  // Two-person rule: the first approver takes their approval back.
  app.action<BlockAction<ButtonAction>>(WITHDRAW_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const origin = originOf(body, client);
    const value = parseDecisionValue(action.value ?? '');
    const runtime = value ? deps.gateways.get(value.g) : undefined;
    if (!value || !runtime) {
      await tell(deps, origin, undefined, 'This button is not one of ours; nothing was done.');
      return;
    }
    const key: RequestKey = { gateway: value.g, kind: value.k, requestId: value.r };
    await decideAndAnswer(
      deps,
      origin,
      { key, action: 'pairing.withdraw', target: `request:${key.requestId.slice(0, 128)}` },
      () => runtime.decider.withdraw(key, origin.userId),
      describeResult,
    );
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

/** Decides a click (a reason modal first when OPENCLAW_REQUIRE_REASON covers the request) and tells the clicker. */
export async function decideAndTell(
  deps: DecisionClickDeps,
  value: DecisionValue | undefined,
  decision: 'approve' | 'reject',
  origin: ClickOrigin,
  durationMs?: number,
  reason?: string,
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
  if (reason === undefined && (await needsReason(deps, runtime, key))) {
    // The decision is made when the modal is submitted; if it cannot open, the decider refuses below and says why.
    if (await deps.reasons.ask(origin.client, origin, key, { value, decision, durationMs })) return;
  }
  await decideAndAnswer(
    deps,
    origin,
    { key, action: `pairing.${decision}`, target: `request:${key.requestId.slice(0, 128)}` },
    () => runtime.decider.decide({ ...key, fingerprint: value.f, userId: origin.userId, decision, durationMs, reason }),
    describeResult,
  );
}

async function needsReason(deps: DecisionClickDeps, runtime: GatewayRuntime, key: RequestKey): Promise<boolean> {
  const record = await deps.storage.requests.get(key).catch(() => undefined);
  return record?.status === 'pending' && runtime.decider.asksWhy(record.request);
}
