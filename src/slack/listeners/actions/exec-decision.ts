import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AuditLog } from '../../../audit/audit-log.js';
import { StorageUnavailableError } from '../../../errors.js';
import type { DecisionResult } from '../../../pairing/decider.js';
import type { ExecDecision } from '../../../pairing/types.js';
import type { Gateways } from '../../../runtime/gateways.js';
import type { RequestKey } from '../../../storage/ports.js';
import { EXEC_ACTION_IDS, parseExecValue } from '../../blocks/exec-buttons.js';
import { describeExecResult, STORAGE_UNAVAILABLE_MESSAGE } from '../../decision-notes.js';
import { respondReliably } from '../../respond-reliably.js';
import type { ReviewModals } from '../../review-modals.js';

export interface ExecDecisionDeps {
  gateways: Gateways;
  audit: AuditLog;
  modals: ReviewModals;
  log: Logger;
  syncCards: () => Promise<void>;
  observeAckMs?: (ms: number) => void;
}

interface ClickOrigin {
  readonly userId: string;
  readonly responseUrl: string | undefined;
  readonly view: { readonly id: string; readonly hash: string | undefined } | undefined;
  readonly client: WebClient;
}

/** Registers Allow once / Allow always / Deny (on exec cards and in their full-command modal). */
export function register(app: App, deps: ExecDecisionDeps): void {
  for (const [decision, actionId] of Object.entries(EXEC_ACTION_IDS) as [ExecDecision, string][]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      const started = performance.now();
      await ack();
      deps.observeAckMs?.(performance.now() - started);
      const view =
        body.container?.type === 'view' && body.view ? { id: body.view.id, hash: body.view.hash } : undefined;
      const origin: ClickOrigin = { userId: body.user.id, responseUrl: body.response_url, view, client };
      await decideAndTell(deps, action.value ?? '', decision, origin);
    });
  }
}

async function decideAndTell(
  deps: ExecDecisionDeps,
  raw: string,
  decision: ExecDecision,
  origin: ClickOrigin,
): Promise<void> {
  const value = parseExecValue(raw);
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
  let result: DecisionResult;
  try {
    result = await exec.decider.decide({ ...key, fingerprint: value.f, userId: origin.userId, decision });
  } catch (err) {
    if (!(err instanceof StorageUnavailableError)) throw err;
    deps.log.warn({ err, requestId: key.requestId }, 'an exec decision click found the database unreachable');
    await deps.audit.record({
      actor: origin.userId,
      action: `exec.${decision}`,
      gateway: key.gateway,
      target: `exec-request:${key.requestId.slice(0, 128)}`,
      requestId: key.requestId,
      outcome: 'failed',
      detail: 'database unreachable; nothing was sent to the gateway',
    });
    await tell(deps, origin, undefined, STORAGE_UNAVAILABLE_MESSAGE);
    return;
  }
  await deps.syncCards().catch(() => undefined);
  await tell(deps, origin, key, describeExecResult(result));
}

async function tell(deps: ExecDecisionDeps, origin: ClickOrigin, request: RequestKey | undefined, text?: string) {
  if (origin.view) {
    await deps.modals.update(origin.client, origin.view, request, text ?? 'Done: the card shows the outcome.');
    return;
  }
  if (text)
    await respondReliably(origin.responseUrl, { response_type: 'ephemeral', replace_original: false, text }, deps.log);
}
