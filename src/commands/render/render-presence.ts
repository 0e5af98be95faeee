/** The `presence` answer: the gateway, who is online, and the bot's own gateway session. */
import type { FleetSummary } from '../../fleet/fleet-summary.js';
import type { PresenceEntry } from '../../gateway/schemas.js';
import {
  type Block,
  context,
  FALLBACK_MAX,
  header,
  type RenderedMessage,
  renderList,
  section,
} from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, oneLine, truncate } from '../../slack/escape.js';
import { formatAgo } from './format.js';

/** The bot's own gateway session, as the gateway client reports it. */
export interface GatewaySessionInfo {
  /** e.g. `connected`, `connecting`, `reconnecting`, `closed`. */
  readonly state: string;
  /** When the session entered `state`. */
  readonly sinceMs: number;
  readonly connectedSinceMs?: number | undefined;
  readonly lastError?: string | undefined;
  readonly serverVersion?: string | undefined;
}

const LIST_MAX = 2_400;

function isOnline(entry: PresenceEntry): boolean {
  return entry.reason !== 'disconnect';
}

function entryName(entry: PresenceEntry): string {
  return entry.host ?? entry.text ?? entry.clientId ?? entry.deviceId ?? entry.instanceId ?? '(unnamed)';
}

/** One entry per device: presence keeps several entries for one client across reconnects. */
function unique(entries: readonly PresenceEntry[]): PresenceEntry[] {
  const seen = new Map<string, PresenceEntry>();
  for (const entry of entries) {
    const key = entry.deviceId ?? entry.instanceId ?? `${entry.mode}:${entryName(entry)}`;
    const prev = seen.get(key);
    if (!prev || (entry.ts ?? 0) >= (prev.ts ?? 0)) seen.set(key, entry);
  }
  return [...seen.values()];
}

function gatewayLine(entries: readonly PresenceEntry[], session: GatewaySessionInfo): string {
  const gateway = entries.find((e) => e.mode === 'gateway');
  const version = gateway?.version ?? session.serverVersion;
  if (!gateway && version === undefined) return '*Gateway:* not in the presence list';
  const host = gateway ? inlineCode(entryName(gateway), 120) : 'unknown host';
  const parts = [host, version === undefined ? 'version unknown' : `version ${inlineCode(version, 60)}`];
  if (gateway?.platform) parts.push(escapeMrkdwn(oneLine(truncate(gateway.platform, 40))));
  return `*Gateway:* ${parts.join(' · ')}`;
}

/** "connected since …" / "reconnecting since …, last error …" for the bot's own session. */
export function sessionLine(session: GatewaySessionInfo, nowMs: number, withDate = true): string {
  const when = (ms: number) => (withDate ? `${formatSlackDate(ms)} (${formatAgo(nowMs - ms)})` : formatAgo(nowMs - ms));
  const state = escapeMrkdwn(truncate(session.state, 40));
  const since = session.state === 'connected' ? (session.connectedSinceMs ?? session.sinceMs) : session.sinceMs;
  let line = `This bot's gateway session: ${state} since ${when(since)}`;
  if (session.state !== 'connected' && session.lastError) {
    line += `, last error: ${truncate(escapeMrkdwn(session.lastError), 300)}`;
  }
  if (session.serverVersion) line += ` · server ${inlineCode(session.serverVersion, 60)}`;
  return line;
}

/** One gateway's part of `presence`: its entries (undefined when it could not be asked) and the bot's session. */
export interface GatewayPresence {
  /** The gateway's id when several are configured (undefined for one: nothing to tell apart). */
  readonly label: string | undefined;
  readonly entries: readonly PresenceEntry[] | undefined;
  readonly session: GatewaySessionInfo;
  /** The gateway's approved nodes, pending requests and disk alerts (from the fleet model and the store). */
  readonly fleet?: FleetSummary | undefined;
}

/** Gateways `presence` shows one by one (4 blocks each within a message's 50). */
const GATEWAYS_SHOWN = 10;

/** "*Fleet:* 3 approved nodes: 2 online, 1 offline (`a` last seen …) · 1 pending · 1 low on disk". */
export function fleetLine(fleet: FleetSummary): string {
  if (!fleet.known) return '*Fleet:* the node list is not known yet';
  const offline = fleet.offline
    .slice(0, 5)
    .map(
      (n) =>
        `${inlineCode(n.name ?? n.nodeId, 40)} last seen ${n.lastSeenAtMs ? formatSlackDate(n.lastSeenAtMs) : 'never'}`,
    );
  const more = fleet.offline.length > offline.length ? ` … and ${fleet.offline.length - offline.length} more` : '';
  const offlinePart =
    fleet.offline.length === 0 ? '0 offline' : `${fleet.offline.length} offline (${offline.join(', ')}${more})`;
  const disk = fleet.diskAlerts.length > 0 ? ` · ${fleet.diskAlerts.length} low on disk` : '';
  return `*Fleet:* ${fleet.approved} approved node(s): ${fleet.online} online, ${offlinePart} · ${fleet.pending === undefined ? 'pending requests unknown (database unreachable)' : `${fleet.pending} pairing request(s) pending`}${disk}`;
}

/** Renders every gateway's presence: one gateway as before; several under a line naming each. */
export function renderPresenceOf(gateways: readonly GatewayPresence[], nowMs: number): RenderedMessage {
  const [first] = gateways;
  if (gateways.length === 1 && first && first.label === undefined && first.entries) {
    return renderPresence(first.entries, first.session, nowMs, first.fleet);
  }
  const blocks: Block[] = [header('presence.header', 'OpenClaw presence')];
  const summaries: string[] = [];
  gateways.slice(0, GATEWAYS_SHOWN).forEach((g, i) => {
    const name = `*Gateway ${inlineCode(g.label ?? `#${i + 1}`, 24)}*`;
    if (!g.entries) {
      blocks.push(section(`presence.${i}.down`, `${name} · ${sessionLine(g.session, nowMs)}`));
      if (g.fleet) blocks.push(context(`presence.${i}.fleet`, [`Last known: ${fleetLine(g.fleet)}`]));
      summaries.push(`${g.label}: ${g.session.state}`);
      return;
    }
    const online = unique(g.entries.filter(isOnline));
    const nodes = online
      .filter((e) => e.mode === 'node')
      .map(entryName)
      .sort();
    blocks.push(
      section(`presence.${i}.gateway`, `${name} · ${gatewayLine(g.entries, g.session).replace('*Gateway:* ', '')}`),
      section(
        `presence.${i}.nodes`,
        `*Nodes online (${nodes.length}):* ${renderList(nodes, { maxChars: 1_200, itemMax: 60 })}`,
      ),
      ...(g.fleet ? [section(`presence.${i}.fleet`, fleetLine(g.fleet))] : []),
      context(`presence.${i}.session`, [sessionLine(g.session, nowMs)]),
    );
    summaries.push(`${g.label}: ${nodes.length} node(s) online`);
  });
  if (gateways.length > GATEWAYS_SHOWN) {
    blocks.push(
      context('presence.more', [
        `… and ${gateways.length - GATEWAYS_SHOWN} more gateways: pick one with \`--gateway ID\`.`,
      ]),
    );
  }
  return { text: truncate(`OpenClaw presence: ${summaries.join('; ')}`, FALLBACK_MAX), blocks };
}

/** Renders gateway host and version, nodes and operators online, and the bot's session state. */
export function renderPresence(
  entries: readonly PresenceEntry[],
  session: GatewaySessionInfo,
  nowMs: number,
  fleet?: FleetSummary,
): RenderedMessage {
  const online = unique(entries.filter(isOnline));
  const nodes = online.filter((e) => e.mode === 'node').map(entryName);
  const operators = online
    .filter((e) => e.mode !== 'node' && e.mode !== 'gateway')
    .map((e) => `${entryName(e)}${e.mode ? ` (${e.mode})` : ''}`);
  const sort = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const gateway = gatewayLine(entries, session);
  const nodesLine = `*Nodes online (${nodes.length}):* ${renderList(sort(nodes), { maxChars: LIST_MAX, itemMax: 60 })}`;
  const opsLine = `*Operators online (${operators.length}):* ${renderList(sort(operators), { maxChars: LIST_MAX, itemMax: 60 })}`;
  const summary = `${nodes.length} node(s) and ${operators.length} operator(s) online; ${sessionLine(session, nowMs, false)}`;
  return {
    text: truncate(`OpenClaw presence: ${summary}`, FALLBACK_MAX),
    blocks: [
      header('presence.header', 'OpenClaw presence'),
      section('presence.gateway', gateway),
      section('presence.nodes', nodesLine),
      section('presence.operators', opsLine),
      ...(fleet ? [section('presence.fleet', fleetLine(fleet))] : []),
      context('presence.session', [sessionLine(session, nowMs)]),
    ],
  };
}
