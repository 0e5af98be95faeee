import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ExecDecision } from '../../../pairing/types.js';
import type { RequestKey } from '../../../storage/ports.js';
import { EXEC_ACTION_IDS, EXEC_WITHDRAW_ACTION_ID, type ExecValue, parseExecValue } from '../../blocks/exec-buttons.js';
import { describeExecResult } from '../../decision-notes.js';
import { type ClickOrigin, type DecisionClickDeps, decideAndAnswer, originOf, tell } from './click-origin.js';

/** Registers Allow once / Allow always / Deny (on exec cards and in their full-command modal). */
export function register(app: App, deps: DecisionClickDeps): void {
  for (const [decision, actionId] of Object.entries(EXEC_ACTION_IDS) as [ExecDecision, string][]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      const started = performance.now();
      await ack();
      deps.observeAckMs?.(performance.now() - started);
      await decideExecAndTell(deps, parseExecValue(action.value ?? ''), decision, originOf(body, client));
    });
  }
  // Two-person rule: the first exec approver takes their allow back.
  app.action<BlockAction<ButtonAction>>(EXEC_WITHDRAW_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const origin = originOf(body, client);
    const value = parseExecValue(action.value ?? '');
    const exec = value ? deps.gateways.get(value.g)?.exec : undefined;
    if (!value || !exec) {
      await tell(deps, origin, undefined, 'This button is not one of ours; nothing was done.');
      return;
    }
    const key: RequestKey = { gateway: value.g, kind: 'exec', requestId: value.r };
    await decideAndAnswer(
      deps,
      origin,
      { key, action: 'exec.withdraw', target: `exec-request:${key.requestId.slice(0, 128)}` },
      () => exec.decider.withdraw(key, origin.userId),
      describeExecResult,
    );
  });
}

/** Decides an exec click (a reason modal first when OPENCLAW_REQUIRE_REASON is on) and tells the clicker. */
export async function decideExecAndTell(
  deps: DecisionClickDeps,
  value: ExecValue | undefined,
  decision: ExecDecision,
  origin: ClickOrigin,
  reason?: string,
): Promise<void> {
  const exec = value ? deps.gateways.get(value.g)?.exec : undefined;
  if (!value || !exec) {
    await deps.audit.record({
      actor: origin.userId,
      action: `exec.${decision}`,
      gateway: value?.g,
      target: value ? `exec-request:${value.r.slice(0, 128)}` : 'unparsable button value',
      outcome: 'refused',
      detail: value
        ? 'exec approvals are off for this gateway (OPENCLAW_EXEC_APPROVALS)'
        : 'malformed or forged button value',
    });
    const text = value
      ? 'Exec approvals are turned off in this bot (`OPENCLAW_EXEC_APPROVALS`), so nothing was done.'
      : 'This button is not one of ours; nothing was done.';
    await tell(deps, origin, undefined, text);
    return;
  }
  const key: RequestKey = { gateway: value.g, kind: 'exec', requestId: value.r };
  if (reason === undefined && exec.decider.asksWhy()) {
    const pending = { value: { g: value.g, k: 'exec' as const, r: value.r, f: value.f }, decision };
    // The decision is made when the modal is submitted; if it cannot open, the decider refuses below and says why.
    if (await deps.reasons.ask(origin.client, origin, key, pending)) return;
  }
  await decideAndAnswer(
    deps,
    origin,
    { key, action: `exec.${decision}`, target: `exec-request:${key.requestId.slice(0, 128)}` },
    () => exec.decider.decide({ ...key, fingerprint: value.f, userId: origin.userId, decision, reason }),
    describeExecResult,
  );
}
