/**
 * The card for one exec approval request: the exact command, where and for whom it runs, the gateway's warnings,
 * when it expires, and buttons only for the answers the request offers. A command too long for the card is clamped
 * there and shown whole in a modal; Allow is only offered where the whole command is shown.
 */
import type { ExecDetails, RequestRecord } from '../../pairing/types.js';
import { describeFailure } from '../decision-notes.js';
import { escapeCode, escapeMrkdwn, formatSlackDate, inlineCode, mentionUser, oneLine, truncate } from '../escape.js';
import {
  type Block,
  blockId,
  context,
  FALLBACK_MAX,
  fieldsSection,
  header,
  type RenderedMessage,
  renderList,
  section,
  versionSuffix,
} from './block-kit.js';
import { renderExecActions } from './exec-buttons.js';
import type { CardContext } from './pairing-card.js';

/** Characters of the command shown on a card (one section, with its label and fences). */
const CARD_COMMAND_MAX = 2_600;
const CARD_ARGV_MAX = 1_400;
/** One section of the full view. */
const CHUNK = 2_900;
/** The full view (a modal of ≤100 blocks, ≤250 kB) holds this many command sections at most. */
const MODAL_CHUNKS_MAX = 60;
const MODAL_BYTES_MAX = 150_000;
const WARNING_MAX = 900;

/** Makes every invisible or direction-changing character visible as \u{…}, so what is shown is what runs. */
export function visibleText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) =>
    c === '\n' || c === '\t' ? c : `\\u{${c.codePointAt(0)?.toString(16) ?? '?'}}`,
  );
}

/** The argv as a JSON array (quotes and escapes exact), with invisible characters made visible. */
function argvText(argv: readonly string[]): string {
  return visibleText(JSON.stringify(argv)).replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u{${hex}}`);
}

/** True when the card shows the command and argv whole (no clamping). */
export function fitsOnCard(exec: ExecDetails): boolean {
  return (
    !exec.clipped &&
    escapeCode(visibleText(exec.commandText)).length <= CARD_COMMAND_MAX &&
    (exec.argv.length === 0 || escapeCode(argvText(exec.argv)).length <= CARD_ARGV_MAX)
  );
}

function chunks(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += CHUNK) out.push(chars.slice(i, i + CHUNK).join(''));
  return out.length > 0 ? out : [' '];
}

/** Cuts escaped code without splitting an entity. */
function clampCode(escaped: string, max: number): string {
  return truncate(escaped, max);
}

function codeBlock(text: string): string {
  return `\`\`\`${text}\`\`\``;
}

/** Blocks of the command: clamped on a card, whole (several sections) in the full view when it fits one. */
function commandBlocks(exec: ExecDetails, v: string, full: boolean): { blocks: Block[]; whole: boolean } {
  const command = escapeCode(visibleText(exec.commandText));
  const argv = exec.argv.length > 0 ? escapeCode(argvText(exec.argv)) : '';
  const note = exec.clipped ? '\n_The command is too long for the bot to keep whole: it can only be denied here._' : '';
  if (!full) {
    const blocks: Block[] = [
      section(blockId('x.cmd', v), `*Command*\n${codeBlock(clampCode(command, CARD_COMMAND_MAX))}${note}`),
    ];
    if (argv)
      blocks.push(
        section(blockId('x.argv', v), `*argv* (${exec.argv.length})\n${codeBlock(clampCode(argv, CARD_ARGV_MAX))}`),
      );
    return { blocks, whole: fitsOnCard(exec) };
  }
  const parts: (readonly [string, string])[] = chunks(command).map((c, i) => [`x.cmd${i}`, c] as const);
  if (argv) parts.push(...chunks(argv).map((c, i) => [`x.argv${i}`, c] as const));
  const bytes = Buffer.byteLength(command) + Buffer.byteLength(argv);
  const whole = !exec.clipped && parts.length <= MODAL_CHUNKS_MAX && bytes <= MODAL_BYTES_MAX;
  const shown = parts.slice(0, MODAL_CHUNKS_MAX);
  const blocks = shown.map(([name, text], i) => {
    const label = i === 0 ? '*Command*\n' : name === 'x.argv0' ? `*argv* (${exec.argv.length})\n` : '';
    return section(blockId(name, v), `${label}${codeBlock(text)}`);
  });
  if (!whole)
    blocks.push(
      section(
        blockId('x.toolong', v),
        `_This command is too long to show whole here (${exec.commandText.length} characters): it can only be denied from Slack._`,
      ),
    );
  return { blocks, whole };
}

function where(record: RequestRecord): string {
  const exec = record.request.exec;
  if (!exec?.nodeId) return 'the *gateway host*';
  const name = record.request.displayName ? `*${escapeMrkdwn(oneLine(record.request.displayName)).slice(0, 80)}* ` : '';
  return `node ${name}(${inlineCode(exec.nodeId, 40)})`;
}

function detailFields(record: RequestRecord, exec: ExecDetails, gateway: string | undefined) {
  const fields: (readonly [string, string])[] = [];
  if (gateway) fields.push(['Gateway', inlineCode(gateway, 24)]);
  fields.push(['Runs on', where(record)]);
  fields.push(['Working directory', exec.cwd ? inlineCode(visibleText(exec.cwd), 300) : '_not given_']);
  fields.push(['Agent', exec.agentId ? inlineCode(exec.agentId, 80) : '_unknown_']);
  fields.push(['Session', exec.sessionKey ? inlineCode(exec.sessionKey, 120) : '_unknown_']);
  if (exec.resolvedPath) fields.push(['Resolves to', inlineCode(visibleText(exec.resolvedPath), 300)]);
  if (exec.security || exec.ask)
    fields.push([
      'Policy',
      `security ${inlineCode(exec.security ?? '?', 30)} · ask ${inlineCode(exec.ask ?? '?', 30)}`,
    ]);
  fields.push(['Expires', formatSlackDate(exec.expiresAtMs)]);
  return fields;
}

function warningBlocks(exec: ExecDetails, v: string): Block[] {
  const lines: string[] = [];
  if (exec.warningText) lines.push(`⚠️ ${escapeMrkdwn(exec.warningText)}`);
  for (const line of exec.warningLines.slice(0, 8)) lines.push(`• ${escapeMrkdwn(oneLine(line))}`);
  if (exec.riskKinds.length > 0) lines.push(`*Risk:* ${renderList(exec.riskKinds, { maxChars: 300, itemMax: 40 })}`);
  return lines.length > 0 ? [section(blockId('x.warn', v), truncate(lines.join('\n'), WARNING_MAX))] : [];
}

const DECISION_WORDS = { 'allow-once': 'Allowed once', 'allow-always': 'Allowed always', deny: 'Denied' } as const;

/** The outcome line of a resolved exec request, or undefined while it is pending. */
export function execOutcomeLine(record: RequestRecord): string | undefined {
  const at = record.resolvedAtMs === undefined ? '' : ` at ${formatSlackDate(record.resolvedAtMs)}`;
  const by = record.resolvedBy;
  const decision = by?.decision ?? (record.status === 'rejected' ? 'deny' : 'allow-once');
  const icon = decision === 'deny' ? '❌' : '✅';
  switch (record.status) {
    case 'pending':
      return undefined;
    case 'approved':
    case 'rejected':
      if (by?.via === 'slack') return `${icon} ${DECISION_WORDS[decision]} by ${mentionUser(by.userId)}${at}`;
      return `${icon} ${DECISION_WORDS[decision]}: decided outside Slack${by?.name ? ` (${inlineCode(by.name, 60)})` : ''}${at}`;
    case 'expired':
      return `⌛ Expired${at}: nobody decided in time, so the command did not run`;
    default:
      return `❔ No longer pending on the gateway (${record.status}); no decision was seen`;
  }
}

/** Renders an exec card (`full`: the modal view, with the whole command when it fits). */
export function renderExecCard(record: RequestRecord, ctx: CardContext, full = false): RenderedMessage {
  const exec = record.request.exec;
  if (!exec) throw new Error('renderExecCard needs an exec record');
  const v = versionSuffix([record]);
  const command = commandBlocks(exec, v, full);
  const agent = exec.agentId ? `Agent ${inlineCode(exec.agentId, 60)}` : 'A client';
  const blocks: Block[] = [
    header(blockId('x.head', v), 'Exec approval requested'),
    section(blockId('x.summary', v), `${agent} wants to run a command on ${where(record)}`),
    ...command.blocks,
    fieldsSection(blockId('x.details', v), detailFields(record, exec, ctx.gatewayLabel?.(record.gateway))),
    ...warningBlocks(exec, v),
    ...statusBlocks(record, exec, ctx, v, command.whole, full),
  ];
  return { text: execFallback(record), blocks };
}

function statusBlocks(
  record: RequestRecord,
  exec: ExecDetails,
  ctx: CardContext,
  v: string,
  whole: boolean,
  full: boolean,
): Block[] {
  const notices: string[] = [];
  if (ctx.notice) notices.push(`ℹ️ ${truncate(escapeMrkdwn(ctx.notice), 500)}`);
  if (record.status === 'pending' && record.lastFailure)
    notices.push(`⚠️ Gateway said: ${truncate(escapeMrkdwn(describeFailure(record.lastFailure)), 500)}`);
  const noticeBlock = notices.length > 0 ? [context(blockId('x.notice', v), notices)] : [];
  const outcome = execOutcomeLine(record);
  if (outcome !== undefined) return [section(blockId('x.outcome', v), outcome), ...noticeBlock];
  if (!ctx.deciders.execApprovers)
    return [
      ...noticeBlock,
      context(blockId('x.nobody', v), [
        '⛔ Nobody here may decide exec approvals: set `OPENCLAW_EXEC_APPROVERS` (or `OPENCLAW_ADMINS`, its default) to Slack user ids or user group ids and restart the bot. Until then, decide with `openclaw approvals resolve` or the Control UI.',
      ]),
    ];
  const first = record.approval?.first?.fingerprint === record.fingerprint ? record.approval.first : undefined;
  const actions = renderExecActions(record, blockId('x.decide', v), {
    allow: whole,
    review: !whole && !full,
    withdraw: first !== undefined,
  });
  if (first) {
    const said = first.decision === 'allow-always' ? 'allowed always' : 'allowed once';
    noticeBlock.push(
      context(blockId('x.first', v), [
        `☑️ 1 of 2: ${mentionUser(first.userId)} ${said} at ${formatSlackDate(first.atMs)}. A second, different exec approver completes it (allow once if either said once); only then is it sent to the gateway.`,
      ]),
    );
  }
  if (!actions)
    return [
      ...noticeBlock,
      context(blockId('x.nobuttons', v), [
        'Buttons hidden: the request id is too long for a Slack button. Decide with `openclaw approvals resolve`.',
      ]),
    ];
  const why = whole
    ? []
    : [
        context(blockId('x.clamped', v), [
          full || exec.clipped
            ? 'Allow is not offered: the whole command cannot be shown here.'
            : 'The command is longer than a card: *Show full command* shows all of it, with Allow there.',
        ]),
      ];
  return [...noticeBlock, ...why, actions];
}

/** Escaped notification text (≤3000, no mentions). */
function execFallback(record: RequestRecord): string {
  const exec = record.request.exec;
  const cmd = exec ? escapeMrkdwn(oneLine(visibleText(exec.commandText))) : '';
  const on = exec?.nodeId
    ? `node ${escapeMrkdwn(oneLine(record.request.displayName ?? exec.nodeId))}`
    : 'the gateway host';
  const state = record.status === 'pending' ? 'waiting for a decision' : record.status;
  return truncate(`Exec approval on ${on}: ${truncate(cmd, 300)}: ${state}`, FALLBACK_MAX);
}
