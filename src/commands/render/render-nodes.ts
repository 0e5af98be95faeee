/** The `nodes` answer: one page of nodes with Previous/Next buttons; every page fits Slack's limits. */
import type { types } from '@slack/bolt';
import type { NodeInfo } from '../../gateway/schemas.js';
import {
  type Block,
  context,
  FALLBACK_MAX,
  header,
  plainText,
  type RenderedMessage,
  section,
} from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, inlineCode, oneLine, truncate } from '../../slack/escape.js';
import { formatSince } from './format.js';
import { clampPage, encodePageValue, isOnline, selectNodes } from './node-list.js';

/** action_id of the Next button. */
export const NODES_NEXT_ACTION_ID = 'nodes.page.next';
/** action_id of the Previous button. */
export const NODES_PREV_ACTION_ID = 'nodes.page.prev';
/** Nodes per page by default. */
export const NODES_PAGE_SIZE = 10;
/** Most nodes a page may hold: 20 × ~400 characters stays under Slack's ~12,000 cumulative limit. */
export const NODES_PAGE_SIZE_MAX = 20;

/** A node as listed: with the gateway it is on when several are configured. */
export type ListedNode = NodeInfo & {
  readonly gateway?: string | undefined;
  /** Kinds of node alert open for it (`offline`, `disk`). */
  readonly alerts?: readonly string[] | undefined;
};

/** What to show: `page` is 0-based (clamped into range). */
export interface NodesPageOptions {
  readonly filter: string;
  readonly page: number;
  /** The `--gateway` the list was asked for (kept by the paging buttons). */
  readonly gateway?: string | undefined;
  readonly pageSize?: number | undefined;
  readonly nowMs: number;
}

/** A rendered page plus where it is, for the caller's logs and tests. */
export interface NodesPage extends RenderedMessage {
  readonly page: number;
  readonly pageCount: number;
  readonly matched: number;
}

const APPROVAL: Readonly<Record<string, string>> = {
  approved: 'approved',
  'pending-approval': ':hourglass_flowing_sand: pending approval',
  'pending-reapproval': ':hourglass_flowing_sand: approved, wider surface pending',
  unapproved: 'unapproved',
};

function field(value: string | undefined, max: number): string | undefined {
  const clean = value === undefined ? '' : escapeMrkdwn(oneLine(value)).trim();
  return clean === '' ? undefined : truncate(clean, max);
}

function nodeName(node: NodeInfo, max: number): string {
  return field(node.displayName, max) ?? '(unnamed)';
}

/** One node in at most ~400 characters: every gateway field is escaped and clamped on its own. */
function nodeLine(node: ListedNode, nowMs: number): string {
  const online = isOnline(node);
  const approval = node.approvalState === undefined ? undefined : (APPROVAL[node.approvalState] ?? node.approvalState);
  const seen = online
    ? `connected ${formatSince(node.connectedAtMs ?? node.lastSeenAtMs, nowMs)}`
    : `last seen ${formatSince(node.lastSeenAtMs ?? node.lastConnectedAtMs, nowMs)}`;
  const parts = [
    ...(node.gateway ? [`gateway ${inlineCode(node.gateway, 20)}`] : []),
    online ? ':large_green_circle: online' : ':white_circle: offline',
    field(approval, 60),
    field(node.platform, 30),
    node.version === undefined ? undefined : `v${field(node.version, 30) ?? '?'}`,
    field(node.remoteIp, 45),
    seen,
    ...(node.alerts?.length ? [`:bell: alert open (${node.alerts.join(', ')})`] : []),
  ].filter((p): p is string => p !== undefined);
  return `*${nodeName(node, 80)}* ${inlineCode(node.nodeId, 40)}\n${parts.join(' · ')}`;
}

function pagingActions(filter: string, page: number, pageCount: number, gateway?: string): Block[] {
  if (pageCount <= 1) return [];
  const buttons: types.Button[] = [];
  if (page > 0) {
    const value = encodePageValue(filter, page - 1, gateway);
    buttons.push({ type: 'button', action_id: NODES_PREV_ACTION_ID, text: plainText('◀ Previous', 75), value });
  }
  if (page < pageCount - 1) {
    const value = encodePageValue(filter, page + 1, gateway);
    buttons.push({ type: 'button', action_id: NODES_NEXT_ACTION_ID, text: plainText('Next ▶', 75), value });
  }
  return [{ type: 'actions', block_id: `nodes.${page}.paging`, elements: buttons }];
}

function summaryLine(filter: string, matched: number, page: number, pageCount: number): string {
  const what = filter === '' ? 'all nodes' : `filter ${inlineCode(filter, 60)}`;
  const where = pageCount > 1 ? ` · page ${page + 1} of ${pageCount}` : '';
  return `${matched} node(s), ${what}${where} · online first, then pending, then by name`;
}

/** Renders one page of `nodes` matching `filter` (sorted once); valid Block Kit for any input size or content. */
export function renderNodesPage(nodes: readonly ListedNode[], options: NodesPageOptions): NodesPage {
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? NODES_PAGE_SIZE) || 1, 1), NODES_PAGE_SIZE_MAX);
  const matched = selectNodes(nodes, options.filter);
  const { page, pageCount } = clampPage(matched.length, pageSize, options.page);
  const shown = matched.slice(page * pageSize, (page + 1) * pageSize);
  const rows: Block[] = shown.map((n, i) => section(`nodes.${page}.n${i}`, nodeLine(n, options.nowMs)));
  const empty = section(
    `nodes.${page}.empty`,
    options.filter === ''
      ? 'No nodes yet. A node appears here once it connects to the gateway; /openclaw pending shows pairing requests.'
      : `No nodes match ${inlineCode(options.filter, 60)}. Try /openclaw nodes, or the filters online, offline, pending.`,
  );
  const summary = summaryLine(options.filter, matched.length, page, pageCount);
  const names = shown.map((n) => `${nodeName(n, 40)} (${isOnline(n) ? 'online' : 'offline'})`).join(', ');
  return {
    text: truncate(`Nodes: ${summary}${names ? `: ${names}` : ''}`, FALLBACK_MAX),
    blocks: [
      header(`nodes.${page}.header`, 'OpenClaw nodes'),
      context(`nodes.${page}.summary`, [summary]),
      ...(rows.length > 0 ? rows : [empty]),
      ...pagingActions(options.filter, page, pageCount, options.gateway),
    ],
    page,
    pageCount,
    matched: matched.length,
  };
}
