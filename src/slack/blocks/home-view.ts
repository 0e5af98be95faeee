/**
 * The App Home tab of one viewer: the requests they may decide, with the channel card's own controls, and a fleet
 * overview per gateway. Always within Slack's 100 blocks: full cards first, then one-line entries with Review,
 * then "and N more"; per gateway counts and the most recently seen offline nodes.
 */
import type { types } from '@slack/bolt';
import type { DiskAlertEntry, FleetSummary, OfflineNode } from '../../fleet/fleet-summary.js';
import type { RequestRecord } from '../../pairing/types.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, oneLine, truncate } from '../escape.js';
import { type Block, context, divider, header, section } from './block-kit.js';
import { renderCard } from './card.js';
import { renderReviewButton } from './decision-buttons.js';
import type { CardContext } from './pairing-card.js';
import { entryLine } from './pairing-digest.js';

/** callback_id of the Home view. */
export const HOME_CALLBACK_ID = 'openclaw.home';
/** Most blocks a Home tab may hold. */
export const HOME_MAX_BLOCKS = 100;
/** Requests shown as whole cards (each ≤ 16 blocks); the rest are one line each. */
const FULL_CARDS = 3;
const GATEWAYS_SHOWN = 10;
const OFFLINE_SHOWN = 10;
const DISK_SHOWN = 10;
const NOTE_MAX = 1_000;

/** One gateway's part of the overview. */
export interface HomeGateway {
  /** The gateway's name when several are configured. */
  readonly label: string | undefined;
  readonly summary: FleetSummary;
  /** The bot's session to it: `connected`, `reconnecting`, … */
  readonly session: string;
}

export interface HomeInput {
  /** Pending requests the viewer may decide, in the order to show them. */
  readonly decidable: readonly RequestRecord[];
  /** False when the viewer holds no tier that decides anything (approver, admin, exec approver). */
  readonly decider: boolean;
  readonly gateways: readonly HomeGateway[];
  /** What the viewer's last click did: mrkdwn the bot wrote (decision notes escape what they quote), not escaped again. */
  readonly note?: string | undefined;
  readonly ctx: CardContext;
}

/** Renders the Home view; valid Block Kit whatever the number of requests, gateways and nodes. */
export function renderHome(input: HomeInput): types.HomeView {
  const top: Block[] = [header('home.head', 'OpenClaw')];
  if (input.note) top.push(context('home.note', [`ℹ️ ${truncate(input.note, NOTE_MAX)}`]));
  const fleet = fleetBlocks(input.gateways, input.ctx.nowMs);
  const footer = context('home.foot', [
    `Updated ${formatSlackDate(input.ctx.nowMs)}. Open this tab again to refresh; \`/openclaw pending\` and \`/openclaw nodes\` answer in a channel.`,
  ]);
  const budget = HOME_MAX_BLOCKS - top.length - fleet.length - 1;
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    blocks: [...top, ...requestBlocks(input, budget), ...fleet, footer],
  };
}

/** The viewer's requests within `budget` blocks: a title, whole cards, one-line entries, "and N more". */
function requestBlocks(input: HomeInput, budget: number): Block[] {
  const { decidable, ctx } = input;
  if (!input.decider) {
    return [
      section(
        'home.req.none',
        '*Requests:* you are not one of the people who decide pairing requests or exec approvals here. Admins list them in `OPENCLAW_APPROVERS`, `OPENCLAW_ADMINS` and `OPENCLAW_EXEC_APPROVERS`.',
      ),
    ];
  }
  if (decidable.length === 0) return [section('home.req.none', '*Requests:* nothing is waiting for your decision.')];
  const blocks: Block[] = [section('home.req.title', `*Waiting for your decision (${decidable.length})*`)];
  // Keep one block for "and N more" whenever something might not fit.
  const room = () => budget - blocks.length - 1;
  let shown = 0;
  for (const record of decidable.slice(0, FULL_CARDS)) {
    const card = renderCard(record, ctx).blocks.map((b, j) => withBlockId(b, `h${shown}.${j}.${b.block_id ?? ''}`));
    if (card.length + 1 > room()) break;
    blocks.push(divider(`home.req.${shown}.div`), ...card);
    shown += 1;
  }
  if (shown < decidable.length && room() > 1) blocks.push(divider('home.req.rest'));
  for (const record of decidable.slice(shown)) {
    if (room() < 1) break;
    blocks.push(entryBlock(record, ctx, shown));
    shown += 1;
  }
  const rest = decidable.length - shown;
  if (rest > 0) {
    blocks.push(context('home.req.more', [`… and ${rest} more: \`/openclaw pending\` lists them all.`]));
  }
  return blocks;
}

function entryBlock(record: RequestRecord, ctx: CardContext, i: number): Block {
  const line = entryLine(record, ctx);
  const review = renderReviewButton(record);
  const id = `home.entry.${i}`;
  return review ? { ...section(id, line), accessory: review } : section(id, `${line}\n_Id too long for a button._`);
}

/** Block ids of a card are unique within it; in a Home view several cards sit together, so each gets a prefix. */
function withBlockId(block: Block, id: string): Block {
  return { ...block, block_id: id.slice(0, 255) } as Block;
}

function fleetBlocks(gateways: readonly HomeGateway[], nowMs: number): Block[] {
  const blocks: Block[] = [divider('home.fleet.div'), header('home.fleet.head', 'Fleet')];
  if (gateways.length === 0) return [...blocks, section('home.fleet.none', 'No gateway is configured.')];
  gateways.slice(0, GATEWAYS_SHOWN).forEach((g, i) => {
    blocks.push(section(`home.gw.${i}`, gatewayLine(g)));
    if (g.summary.offline.length > 0) blocks.push(section(`home.gw.${i}.off`, offlineLine(g.summary.offline, nowMs)));
    if (g.summary.diskAlerts.length > 0) blocks.push(section(`home.gw.${i}.disk`, diskLine(g.summary.diskAlerts)));
  });
  const rest = gateways.length - GATEWAYS_SHOWN;
  if (rest > 0) blocks.push(context('home.gw.more', [`… and ${rest} more gateways: \`/openclaw presence\`.`]));
  return blocks;
}

function gatewayLine(g: HomeGateway): string {
  const name = g.label ? `*Gateway ${inlineCode(g.label, 24)}*` : '*Gateway*';
  const session = g.session === 'connected' ? '' : ` · ⚠️ bot session ${escapeMrkdwn(truncate(g.session, 40))}`;
  const s = g.summary;
  if (!s.known) return `${name} · node list not known yet${session}`;
  const parts = [
    `:large_green_circle: ${s.online} online`,
    `:white_circle: ${s.offline.length} offline`,
    `⏳ ${s.pending ?? '?'} pending`,
    ...(s.diskAlerts.length > 0 ? [`:floppy_disk: ${s.diskAlerts.length} low on disk`] : []),
  ];
  return `${name} · ${parts.join(' · ')}${session}`;
}

function nodeName(name: string | undefined, nodeId: string): string {
  return inlineCode(oneLine(name ?? nodeId), 40);
}

function offlineLine(offline: readonly OfflineNode[], nowMs: number): string {
  const items = offline
    .slice(0, OFFLINE_SHOWN)
    .map(
      (n) =>
        `${nodeName(n.name, n.nodeId)} last seen ${n.lastSeenAtMs !== undefined && n.lastSeenAtMs <= nowMs ? formatSlackDate(n.lastSeenAtMs) : 'never'}`,
    );
  const rest = offline.length - items.length;
  return truncate(`*Offline:* ${items.join(', ')}${rest > 0 ? ` … and ${rest} more` : ''}`, 3000);
}

function diskLine(alerts: readonly DiskAlertEntry[]): string {
  const items = alerts
    .slice(0, DISK_SHOWN)
    .map(
      (a) => `${nodeName(a.name, a.nodeId)}${a.detail ? ` (${escapeMrkdwn(truncate(oneLine(a.detail), 60))})` : ''}`,
    );
  const rest = alerts.length - items.length;
  return truncate(`*Low on disk:* ${items.join(', ')}${rest > 0 ? ` … and ${rest} more` : ''}`, 3000);
}
