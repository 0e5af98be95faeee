import type { RequestRecord } from '../../pairing/types.js';
import { renderPairingCard } from '../../slack/blocks/pairing-card.js';
import { describeResult } from '../../slack/decision-notes.js';
import type { Answer, CommandDeps } from '../command-context.js';
import { renderNotice } from '../render/notice.js';
import { renderAudit } from '../render/render-audit.js';
import { renderError } from '../render/render-error.js';
import type { CommandHandler } from './handler.js';

const UNKNOWN_REQUEST_HINT = 'See `/openclaw pending` for what is waiting.';

/** The one request with this id (on the `--gateway` when given); an answer when there is none or several. */
async function findRecord(
  deps: CommandDeps,
  requestId: string,
  gatewayId: string | undefined,
): Promise<{ ok: true; record: RequestRecord } | { ok: false; answer: Answer }> {
  const all = await deps.storage.requests.findByRequestId(requestId, gatewayId);
  const found = all.filter((r) => r.kind !== 'exec');
  const [only, second] = found;
  if (!only && all.length > 0)
    return {
      ok: false,
      answer: renderError(
        `${requestId} is an exec approval, not a pairing request.`,
        'Decide it on its card; `/openclaw approvals` lists those waiting.',
      ),
    };
  if (!only)
    return { ok: false, answer: renderError(`No pending request ${requestId} is known.`, UNKNOWN_REQUEST_HINT) };
  if (second) {
    const pick = found.map((r) => `\`--gateway ${r.gateway}\``).join(' or ');
    return { ok: false, answer: renderError(`Request ${requestId} exists on several gateways.`, `Add ${pick}.`) };
  }
  return { ok: true, record: only };
}

/** `approve <id>` shows the request's whole card first: a decision is only made on a surface that was shown. */
export const approve: CommandHandler<'approve'> = async ({ deps, command, gatewayId }) => {
  const found = await findRecord(deps, command.requestId, gatewayId);
  if (!found.ok) return found.answer;
  const { record } = found;
  if (record.status !== 'pending') return renderError(describeResult({ outcome: 'already', record }) ?? 'Done.');
  const card = renderPairingCard(record, deps.cardContext());
  const intro = renderNotice('Review this request, then click Approve (or Reject) below.');
  return { text: card.text, blocks: [...intro.blocks, ...card.blocks] };
};

/** `reject <id>`: a rejection grants nothing, so it is decided at once. */
export const reject: CommandHandler<'reject'> = async ({ deps, command, userId, gatewayId }) => {
  const found = await findRecord(deps, command.requestId, gatewayId);
  if (!found.ok) return found.answer;
  const { record } = found;
  const runtime = deps.gateways.get(record.gateway);
  if (!runtime)
    return renderError(
      `Request ${command.requestId} belongs to the gateway "${record.gateway}", which is not configured any more.`,
    );
  const result = await runtime.decider.decide({
    gateway: record.gateway,
    kind: record.kind,
    requestId: record.requestId,
    fingerprint: record.fingerprint,
    userId,
    decision: 'reject',
  });
  await deps.syncCards().catch(() => undefined);
  if (result.outcome === 'decided') return renderNotice('Rejected.', 'The card in the pairing channel is updated.');
  return renderError(describeResult(result) ?? 'Done.');
};

/** `audit [N]`: the last entries of the audit log (admins). */
export const audit: CommandHandler<'audit'> = async ({ deps, command }) =>
  renderAudit(await deps.storage.audit.list(command.limit), deps.nowMs());
