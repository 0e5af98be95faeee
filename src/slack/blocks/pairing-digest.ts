/**
 * One message listing a burst of pairing requests (a fleet rollout). An entry is too small to show a request's whole
 * surface, so it carries no decision: its Review button opens the full card, where Approve/Reject live.
 */
import type { RequestRecord } from '../../pairing/types.js';
import { escapeMrkdwn, inlineCode, truncate } from '../escape.js';
import {
  type Block,
  blockId,
  context,
  FALLBACK_MAX,
  header,
  type RenderedMessage,
  section,
  versionSuffix,
} from './block-kit.js';
import { renderReviewButton } from './decision-buttons.js';
import { execOutcomeLine, visibleText } from './exec-card.js';
import type { CardContext } from './pairing-card.js';
import {
  displayName,
  eligibleDeciders,
  fieldValue,
  outcomeLine,
  requiredTier,
  shortId,
  subjectNoun,
} from './request-summary.js';

/**
 * Requests one digest message holds: header + note + one section per request (a Review button as accessory) = 48 ≤ 50 blocks, and 46 × ≤210 chars stays under Slack's ~12k cumulative text limit.
 */
export const DIGEST_CAPACITY = 46;

const NAME_MAX = 48;
/** An entry's line; with a note it stays within ENTRY_WITH_NOTE_MAX. */
const ENTRY_MAX = 150;
const ENTRY_WITH_NOTE_MAX = 210;
const NOTICE_MAX = 400;

/** Renders up to {@link DIGEST_CAPACITY} records (the caller chunks; extras are counted in a note, not rendered). */
export function renderPairingDigest(records: readonly RequestRecord[], ctx: CardContext): RenderedMessage {
  const shown = records.slice(0, DIGEST_CAPACITY);
  const v = versionSuffix(records);
  const pending = shown.filter((r) => r.status === 'pending').length;
  const exec = shown.filter((r) => r.kind === 'exec').length;
  const title = exec === 0 ? 'Pairing requests' : exec === shown.length ? 'Exec approvals' : 'Requests';
  const blocks: Block[] = [header(blockId('dg.head', v), `${title}: ${pending} waiting of ${shown.length}`)];
  const notes = digestNotes(records, ctx);
  if (notes.length > 0) blocks.push(context(blockId('dg.note', v), notes));
  shown.forEach((record, i) => {
    blocks.push(entryBlock(record, ctx, i, v));
  });
  return { text: digestFallback(shown, records.length), blocks };
}

function digestNotes(records: readonly RequestRecord[], ctx: CardContext): string[] {
  const notes: string[] = [];
  if (ctx.notice) notes.push(`ℹ️ ${truncate(escapeMrkdwn(ctx.notice), NOTICE_MAX)}`);
  const undecidable = records.some(
    (r) => r.status === 'pending' && eligibleDeciders(r.request, ctx.deciders, ctx.policy) === 0,
  );
  if (undecidable) {
    notes.push(
      '⛔ Some requests have no one configured to decide them: set `OPENCLAW_APPROVERS` / `OPENCLAW_ADMINS` (exec approvals: `OPENCLAW_EXEC_APPROVERS`) to Slack user ids (U…/W…) or user group ids (S…).',
    );
  }
  const extra = records.length - DIGEST_CAPACITY;
  if (extra > 0) notes.push(`… and ${extra} more not shown in this message`);
  return notes;
}

/** An exec request's entry: its command (clamped: the full card shows it whole) and where it runs. */
function execEntryLine(record: RequestRecord, ctx: CardContext): string {
  const exec = record.request.exec;
  const where = exec?.nodeId
    ? `on *${displayName(record.request, NAME_MAX)}* (${shortId(record.request)})`
    : 'on the gateway host';
  const label = ctx.gatewayLabel?.(record.gateway);
  const gateway = label ? ` · gateway ${inlineCode(label, 24)}` : '';
  const head = `*Exec* ${inlineCode(visibleText(exec?.commandText ?? ''), 70)} ${where}${gateway}`;
  const outcome = execOutcomeLine(record);
  return truncate(outcome ? `${head}\n${outcome}` : head, ENTRY_MAX);
}

/** One request in a line (name, kind, gateway, platform, tier; its outcome once decided), at most 150 characters. */
export function entryLine(record: RequestRecord, ctx: CardContext): string {
  if (record.kind === 'exec') return execEntryLine(record, ctx);
  const request = record.request;
  const platform = request.platform ? ` · ${fieldValue(request.platform)}` : '';
  const tier = requiredTier(request, ctx.policy) === 'admin' ? ' · ⚠️ *admin-sensitive*' : '';
  const widen = request.previouslyApproved ? ' · widening' : '';
  const label = ctx.gatewayLabel?.(record.gateway);
  const gateway = label ? ` · gateway ${inlineCode(label, 24)}` : '';
  const head = `*${displayName(request, NAME_MAX)}* (${shortId(request)}) ${subjectNoun(request)}${gateway}${platform}${tier}${widen}`;
  const outcome = outcomeLine(record);
  return truncate(outcome ? `${head}\n${outcome}` : head, ENTRY_MAX);
}

function entryBlock(record: RequestRecord, ctx: CardContext, i: number, v: string): Block {
  const id = blockId(`dg.${i}`, v);
  const line = entryLine(record, ctx);
  if (record.status !== 'pending') return section(id, line);
  if (eligibleDeciders(record.request, ctx.deciders, ctx.policy) === 0)
    return section(id, truncate(`${line}\n_Nobody may decide this yet._`, ENTRY_WITH_NOTE_MAX));
  const review = renderReviewButton(record);
  if (!review)
    return section(
      id,
      truncate(`${line}\n_Id too long for a button: decide with the OpenClaw CLI_`, ENTRY_WITH_NOTE_MAX),
    );
  return { ...section(id, line), accessory: review };
}

function digestFallback(shown: readonly RequestRecord[], total: number): string {
  const names = shown.map((r) => displayName(r.request, NAME_MAX)).join(', ');
  return truncate(`${total} pairing requests: ${names}`, FALLBACK_MAX);
}
