/** The interactive card for one pairing request: details, what is asked, who may decide, and Approve/Reject. */
import { formatDuration } from '../../config/workflow.js';
import { surfaceChanges } from '../../pairing/decision-audit.js';
import type { FirstApproval, PairingRequest, RequestRecord } from '../../pairing/types.js';
import { describeFailure } from '../decision-notes.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, mentionUser, truncate } from '../escape.js';
import { renderApprovedControls } from './approval-controls.js';
import {
  type Block,
  blockId,
  context,
  FALLBACK_MAX,
  fieldsSection,
  fitList,
  header,
  type RenderedMessage,
  renderList,
  section,
  versionSuffix,
} from './block-kit.js';
import { renderDecisionActions } from './decision-buttons.js';
import {
  adminSensitiveLine,
  clientValue,
  type DeciderCounts,
  displayName,
  eligibleDeciders,
  fieldValue,
  noDecidersNote,
  outcomeLine,
  type RiskPolicy,
  reasonText,
  requiredTier,
  shortId,
  subjectNoun,
  tierLine,
} from './request-summary.js';

/** What a card needs besides the record: the clock, how many deciders are configured, and an optional notice. */
export interface CardContext {
  readonly nowMs: number;
  /** How many approvers/admins are configured; 0 in the needed tier means nobody may decide (buttons hidden). */
  readonly deciders: DeciderCounts;
  /** Which commands are harmless, which need an admin, which run code. */
  readonly policy: RiskPolicy;
  /** How cards name a gateway: undefined when only one is configured (nothing to tell apart). */
  readonly gatewayLabel?: ((gateway: string) => string | undefined) | undefined;
  /** Shown as a context line, e.g. the last gateway error or "re-rendered because the request changed". */
  readonly notice?: string;
  /** OPENCLAW_APPROVAL_DURATIONS in ms: "Approve for …" on pending cards, "Extend …" on time-bound ones. */
  readonly durationsMs?: readonly number[] | undefined;
}

const NOTICE_MAX = 500;

/** Renders a pairing card that always passes Block Kit limits (≤13 blocks, ~9k chars of text) however hostile the request. */
export function renderPairingCard(record: RequestRecord, ctx: CardContext): RenderedMessage {
  const request = record.request;
  const v = versionSuffix([record]);
  const surface = request.kind === 'node' ? nodeBlocks(request, ctx.policy, v) : deviceBlocks(record, ctx.policy, v);
  const blocks: Block[] = [
    header(blockId('head', v), request.kind === 'node' ? 'Node pairing request' : 'Device pairing request'),
    section(blockId('summary', v), summaryLine(request)),
    fieldsSection(blockId('details', v), detailFields(request, ctx.gatewayLabel?.(record.gateway))),
    ...surface.blocks,
    ...statusBlocks(record, ctx, v, surface.complete),
  ];
  return { text: renderCardFallback(record, ctx.policy), blocks };
}

/** Blocks showing what a request asks for; `complete` is false when a list had to be cut (no Approve then). */
interface SurfaceBlocks {
  readonly blocks: Block[];
  readonly complete: boolean;
}

/** Returns the escaped notification text for a card (≤3000 chars, no mentions). */
export function renderCardFallback(record: RequestRecord, policy: RiskPolicy): string {
  const request = record.request;
  const kind = request.kind === 'node' ? 'Node' : 'Device';
  const state = record.status === 'pending' ? `needs an ${requiredTier(request, policy)}` : record.status;
  const platform = request.platform ? ` on ${fieldValue(request.platform)}` : '';
  return truncate(
    `${kind} pairing request: ${displayName(request)} (${shortId(request)})${platform}: ${state}`,
    FALLBACK_MAX,
  );
}

function summaryLine(request: PairingRequest): string {
  const repair = request.isRepair ? ' (re-pairing)' : '';
  const widen = request.previouslyApproved ? ', widening what it was approved for' : '';
  return `*${displayName(request)}* (${shortId(request)}) wants to pair as a ${subjectNoun(request)}${repair}${widen}`;
}

function detailFields(request: PairingRequest, gateway: string | undefined): (readonly [string, string])[] {
  const fields: (readonly [string, string])[] = [];
  if (gateway) fields.push(['Gateway', inlineCode(gateway, 24)]);
  if (request.kind === 'device') {
    const roles = [...new Set([...(request.role ? [request.role] : []), ...request.roles])];
    fields.push(['Role', renderList(roles, { maxChars: 300, itemMax: 60 })]);
  }
  fields.push(['Platform', fieldValue(request.platform)]);
  if (request.kind === 'node') fields.push(['Version', fieldValue(request.version)]);
  fields.push(['Client', clientValue(request)]);
  if (request.deviceFamily) fields.push(['Device family', fieldValue(request.deviceFamily)]);
  if (request.remoteIp) fields.push(['Remote IP', fieldValue(request.remoteIp)]);
  fields.push(['Asked', formatSlackDate(request.requestedAtMs)]);
  return fields;
}

function nodeBlocks(request: PairingRequest, policy: RiskPolicy, v: string): SurfaceBlocks {
  const prior = request.previouslyApproved;
  const blocks: Block[] = [];
  let complete: boolean;
  if (prior) {
    const diff = surfaceChanges(request);
    const newCmds = diff.addedCommands;
    const newCaps = diff.addedCaps;
    const cmds = fitList(newCmds, { maxChars: 2000 });
    const caps = fitList(newCaps, { maxChars: 800 });
    const dropped = [...diff.removedCommands, ...diff.removedCaps];
    const gone =
      dropped.length > 0
        ? `\n*No longer asked for* (${dropped.length}): ${renderList(dropped, { maxChars: 500 })}`
        : '';
    const asked = `*New commands* (${newCmds.length}): ${cmds.text}\n*New caps* (${newCaps.length}): ${caps.text}${gone}`;
    const had = `*Already approved:* commands ${renderList(prior.commands, { maxChars: 600 })}; caps ${renderList(prior.caps, { maxChars: 500 })}`;
    blocks.push(section(blockId('asked', v), asked), section(blockId('prior', v), had));
    complete = cmds.shown === newCmds.length && caps.shown === newCaps.length;
  } else {
    const caps = fitList(request.caps, { maxChars: 1200 });
    const cmds = fitList(request.commands, { maxChars: 2400 });
    blocks.push(
      section(blockId('caps', v), `*Caps* (${request.caps.length}): ${caps.text}`),
      section(blockId('cmds', v), `*Commands* (${request.commands.length}): ${cmds.text}`),
    );
    complete = caps.shown === request.caps.length && cmds.shown === request.commands.length;
  }
  const risk = riskBlocks(request, policy, v);
  return { blocks: [...blocks, ...risk.blocks], complete: complete && risk.complete };
}

function deviceBlocks(record: RequestRecord, policy: RiskPolicy, v: string): SurfaceBlocks {
  const request = record.request;
  const list = fitList(request.scopes, { maxChars: 2000, itemMax: 80 });
  const scopes = `*Scopes* (${request.scopes.length}): ${list.text}`;
  const expiry =
    record.status === 'pending'
      ? [context(blockId('expiry', v), ['Expires about 5 minutes after the last attempt.'])]
      : [];
  const risk = riskBlocks(request, policy, v);
  return {
    blocks: [section(blockId('scopes', v), scopes), ...risk.blocks, ...expiry],
    complete: list.shown === request.scopes.length && risk.complete,
  };
}

function riskBlocks(request: PairingRequest, policy: RiskPolicy, v: string): SurfaceBlocks {
  const sensitive = adminSensitiveLine(request, policy);
  return {
    blocks: [
      ...(sensitive ? [section(blockId('risk', v), sensitive.text)] : []),
      section(blockId('tier', v), tierLine(request, policy)),
    ],
    complete: sensitive?.complete ?? true,
  };
}

function noticeLines(record: RequestRecord, ctx: CardContext): string[] {
  const lines: string[] = [];
  if (ctx.notice) lines.push(`ℹ️ ${truncate(escapeMrkdwn(ctx.notice), NOTICE_MAX)}`);
  if (record.status === 'pending' && record.lastFailure) {
    lines.push(`⚠️ Gateway said: ${truncate(escapeMrkdwn(describeFailure(record.lastFailure)), NOTICE_MAX)}`);
  }
  return lines;
}

/** "☑️ 1 of 2 approvals: <@a> at <date> (for 8 hours): “reason”. A second, different person completes it." */
function firstApprovalLine(first: FirstApproval): string {
  const time = first.durationMs ? ` for ${formatDuration(first.durationMs)}` : '';
  const why = first.reason ? `: ${reasonText(first.reason)}` : '';
  return `☑️ 1 of 2 approvals: ${mentionUser(first.userId)} approved at ${formatSlackDate(first.atMs)}${time}${why}. A second, different person who may decide it completes the approval; only then is the gateway called.`;
}

function statusBlocks(record: RequestRecord, ctx: CardContext, v: string, surfaceShown: boolean): Block[] {
  const notices = noticeLines(record, ctx);
  const noticeBlock = notices.length > 0 ? [context(blockId('notice', v), notices)] : [];
  const outcome = outcomeLine(record);
  if (outcome !== undefined)
    return [
      section(blockId('outcome', v), outcome),
      ...renderApprovedControls(record, ctx.durationsMs ?? [], v),
      ...noticeBlock,
    ];
  if (eligibleDeciders(record.request, ctx.deciders, ctx.policy) === 0) {
    return [...noticeBlock, context(blockId('nobody', v), [noDecidersNote(record.request, ctx.policy)])];
  }
  // No decision on a surface that was not shown: a request too large for one card can only be rejected here.
  const first = record.approval?.first?.fingerprint === record.fingerprint ? record.approval.first : undefined;
  const actions = renderDecisionActions(record, blockId('decide', v), ctx.policy, {
    approve: surfaceShown,
    durationsMs: ctx.durationsMs ?? [],
    withdraw: first !== undefined,
  });
  if (first) noticeBlock.push(context(blockId('first', v), [firstApprovalLine(first)]));
  if (actions && !surfaceShown) {
    const why =
      'Approve is not offered: this request asks for more than one card can show. Review it with `openclaw nodes pending` and decide with the OpenClaw CLI or Control UI.';
    return [...noticeBlock, context(blockId('toolarge', v), [why]), actions];
  }
  if (actions) return [...noticeBlock, actions];
  const tooLong =
    'Buttons hidden: the request id from the gateway is too long for a Slack button. Decide with the OpenClaw CLI or Control UI.';
  return [...noticeBlock, context(blockId('nobuttons', v), [tooLong])];
}
