/** `/openclaw approvals`: exec approvals waiting (with the card's controls for exec approvers), and the history. */
import { type ApprovalSnapshot, describeResolver } from '../../exec/exec-schemas.js';
import type { RequestRecord } from '../../pairing/types.js';
import { type Block, context, FALLBACK_MAX, header, section } from '../../slack/blocks/block-kit.js';
import { renderExecCard, visibleText } from '../../slack/blocks/exec-card.js';
import { renderPairingDigest } from '../../slack/blocks/pairing-digest.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, oneLine, truncate } from '../../slack/escape.js';
import { type Answer, type CommandDeps, selectGateways } from '../command-context.js';
import { renderNotice } from '../render/notice.js';
import { renderError } from '../render/render-error.js';
import type { CommandHandler } from './handler.js';

/** Up to this many waiting requests are shown as whole cards; more are listed with a button to each card. */
const CARDS_MAX = 3;
const HISTORY_LINE_MAX = 300;
const SECTION_CHARS = 2_900;

const OFF =
  'Exec approvals are off in this bot. An operator turns them on with OPENCLAW_EXEC_APPROVALS=true (see the README: the gateway then waits for Slack instead of failing those requests).';

/** Drops the decision buttons of a card for someone who may not decide (the list is still theirs to read). */
function withoutActions(blocks: readonly Block[]): Block[] {
  return blocks.filter((b) => b.type !== 'actions');
}

/** Prefixes block ids so several cards fit in one message. */
function prefixed(blocks: readonly Block[], prefix: string): Block[] {
  return blocks.map((b) => ('block_id' in b && b.block_id ? { ...b, block_id: `${prefix}.${b.block_id}` } : b));
}

function renderWaiting(deps: CommandDeps, waiting: readonly RequestRecord[], mayDecide: boolean): Answer {
  const ctx = deps.cardContext();
  const note = mayDecide
    ? []
    : [
        context('ap.note', [
          'Only `OPENCLAW_EXEC_APPROVERS` (by default the admins) may decide these; the cards show who did.',
        ]),
      ];
  if (waiting.length > CARDS_MAX) {
    const digest = renderPairingDigest(waiting.slice(0, 40), ctx);
    return { text: digest.text, blocks: [...digest.blocks, ...note] };
  }
  const blocks: Block[] = [header('ap.head', `Exec approvals waiting: ${waiting.length}`), ...note];
  waiting.forEach((record, i) => {
    const card = renderExecCard(record, ctx);
    blocks.push(...prefixed(mayDecide ? card.blocks : withoutActions(card.blocks), `c${i}`));
  });
  return { text: truncate(`${waiting.length} exec approvals waiting`, FALLBACK_MAX), blocks };
}

/** Pending exec approvals of every (or the named) gateway. */
export const approvals: CommandHandler<'approvals'> = async ({ deps, gatewayId, userId }) => {
  if (!deps.exec.enabled) return renderError(OFF);
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const waiting = (await deps.storage.requests.listByStatus('pending', gatewayId)).filter(
    (r) => r.kind === 'exec' && selected.gateways.some((g) => g.id === r.gateway),
  );
  const down = selected.gateways.filter((g) => !g.exec?.client.isConnected);
  const downNote = down.length
    ? ` The approvals session of ${down.map((g) => inlineCode(g.id, 24)).join(', ')} is not connected: this is what the bot saw last.`
    : '';
  if (waiting.length === 0) return renderNotice('No exec approval is waiting.', downNote.trim() || undefined);
  const mayDecide = await deps.isMember(userId, deps.exec.approvers);
  const answer = renderWaiting(deps, waiting, mayDecide);
  return downNote
    ? { ...answer, blocks: [...answer.blocks, context('ap.down', [escapeMrkdwn(downNote.trim())])] }
    : answer;
};

const STATUS_ICON: Readonly<Record<string, string>> = { allowed: '✅', denied: '❌', expired: '⌛', pending: '⏳' };

function historyLine(item: ApprovalSnapshot, gateway: string | undefined): string {
  const icon = STATUS_ICON[item.status] ?? '•';
  const command = inlineCode(visibleText(item.presentation?.commandText ?? '(no command text)'), 90);
  const node = item.presentation?.nodeId ? ` on ${inlineCode(item.presentation.nodeId, 24)}` : ' on the gateway host';
  const when = item.resolvedAtMs ?? item.createdAtMs;
  const by = describeResolver(item.resolver) ?? '';
  const how = item.decision ? ` ${item.decision}` : '';
  const who = by ? ` by ${escapeMrkdwn(oneLine(by)).slice(0, 60)}` : '';
  const on = gateway ? ` · ${inlineCode(gateway, 24)}` : '';
  const at = when === undefined ? '' : ` ${formatSlackDate(when)}`;
  return truncate(`${icon}${at} *${escapeMrkdwn(item.status)}*${how}${who}: ${command}${node}${on}`, HISTORY_LINE_MAX);
}

/** `approvals history [N]`: the gateway's own record of decided requests (newest first), for admins. */
export const approvalsHistory: CommandHandler<'approvals-history'> = async ({ deps, command, gatewayId }) => {
  if (!deps.exec.enabled) return renderError(OFF);
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const lines: string[] = [];
  for (const g of selected.gateways) {
    if (!g.exec) continue;
    const items = await g.exec.gateway.history(command.limit);
    lines.push(...items.map((item) => historyLine(item, deps.gateways.label(g.id))));
  }
  if (lines.length === 0) return renderNotice('The gateway has no exec approvals on record (it keeps 30 days).');
  const sections: Block[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > SECTION_CHARS) {
      sections.push(section(`ah.${sections.length}`, chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) sections.push(section(`ah.${sections.length}`, chunk));
  return {
    text: truncate(`Exec approval history: ${lines.length} entries`, FALLBACK_MAX),
    blocks: [header('ah.head', `Exec approval history (newest first, ${lines.length})`), ...sections.slice(0, 45)],
  };
};
