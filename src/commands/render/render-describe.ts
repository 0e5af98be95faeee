/** The `describe` answer: one node's identity, state, host stats, caps and commands (admin-sensitive marked). */
import type { HostStats, NodeInfo } from '../../gateway/schemas.js';
import type { CommandPolicy } from '../../policy/command-policy.js';
import {
  type Block,
  context,
  FALLBACK_MAX,
  fieldsSection,
  header,
  type RenderedMessage,
  renderList,
  section,
} from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, oneLine, truncate } from '../../slack/escape.js';
import { formatBytes, formatNumber, formatSince } from './format.js';
import { isOnline } from './node-list.js';

const FIELD_MAX = 200;
const CAPS_MAX = 1_200;
const COMMANDS_MAX = 2_400;
const PENDING_MAX = 1_000;
const PATH_MAX = 1_500;

function value(text: string | undefined): string {
  const clean = text === undefined ? '' : escapeMrkdwn(oneLine(text)).trim();
  return clean === '' ? '—' : truncate(clean, FIELD_MAX);
}

function when(atMs: number | undefined, nowMs: number): string {
  return atMs === undefined ? '—' : `${formatSlackDate(atMs)} (${formatSince(atMs, nowMs)})`;
}

function stateFields(node: NodeInfo, nowMs: number): [string, string][] {
  const online = isOnline(node);
  return [
    ['Node id', inlineCode(node.nodeId, FIELD_MAX)],
    ['State', online ? ':large_green_circle: online' : ':white_circle: offline'],
    ['Approval', value(node.approvalState)],
    ['Platform', value([node.platform, node.deviceFamily].filter(Boolean).join(' · '))],
    ['Version', value(node.version)],
    ['Client', value([node.clientId, node.clientMode].filter(Boolean).join(' · '))],
    online ? ['Connected since', when(node.connectedAtMs, nowMs)] : ['Last seen', when(node.lastSeenAtMs, nowMs)],
    ['Approved', when(node.approvedAtMs, nowMs)],
    ['IP', value(node.remoteIp)],
    [
      'Session host',
      value(typeof node.sessionHost === 'boolean' ? (node.sessionHost ? 'yes' : 'no') : node.sessionHost),
    ],
  ];
}

/** "4 CPUs · load 0.5 0.4 0.3 · memory 3.1 GiB free of 7.6 GiB · disk 20.0 GiB free of 50.0 GiB". */
export function formatHostStats(stats: HostStats, nowMs: number): string {
  const parts: string[] = [];
  if (stats.cpuCount !== undefined) parts.push(`${formatNumber(stats.cpuCount, 0)} CPUs`);
  if (stats.loadAverage && stats.loadAverage.length > 0) {
    parts.push(
      `load ${stats.loadAverage
        .slice(0, 3)
        .map((n) => formatNumber(n))
        .join(' ')}`,
    );
  }
  if (stats.memoryTotalBytes !== undefined) {
    parts.push(`memory ${formatBytes(stats.memoryFreeBytes)} free of ${formatBytes(stats.memoryTotalBytes)}`);
  }
  if (stats.diskTotalBytes !== undefined) {
    parts.push(`disk ${formatBytes(stats.diskAvailableBytes)} free of ${formatBytes(stats.diskTotalBytes)}`);
  }
  if (stats.updatedAtMs !== undefined) parts.push(`updated ${formatSince(stats.updatedAtMs, nowMs)}`);
  return parts.length > 0 ? parts.join(' · ') : 'no host stats reported';
}

function surfaceBlocks(node: NodeInfo, policy: Pick<CommandPolicy, 'riskOf'>): Block[] {
  const mark = (c: string) => (policy.riskOf(c) !== 'ordinary' ? ' :warning: admin' : '');
  const blocks: Block[] = [
    section('describe.caps', `*Capabilities (${node.caps.length}):* ${renderList(node.caps, { maxChars: CAPS_MAX })}`),
    section(
      'describe.commands',
      `*Commands (${node.commands.length}):* ${renderList(node.commands, { maxChars: COMMANDS_MAX, mark })}`,
    ),
  ];
  const caps = node.pendingDeclaredCaps ?? [];
  const commands = node.pendingDeclaredCommands ?? [];
  if (caps.length > 0 || commands.length > 0) {
    const line =
      `*Waiting for approval:* capabilities ${renderList(caps, { maxChars: PENDING_MAX })}; ` +
      `commands ${renderList(commands, { maxChars: PENDING_MAX, mark })}`;
    blocks.push(section('describe.pending', line));
  }
  return blocks;
}

/** Renders one node; every gateway field is escaped and clamped, so any node fits one valid message. */
export function renderDescribe(node: NodeInfo, nowMs: number, policy: Pick<CommandPolicy, 'riskOf'>): RenderedMessage {
  const name = node.displayName?.trim() ? node.displayName : node.nodeId;
  const stats = node.hostStats ? formatHostStats(node.hostStats, nowMs) : 'no host stats reported';
  const path = node.pathEnv ? `\`\`\`${truncate(escapeMrkdwn(node.pathEnv).replace(/`/g, 'ˋ'), PATH_MAX)}\`\`\`` : '—';
  const state = isOnline(node) ? 'online' : 'offline';
  const summary = `${value(name)} (${state}, ${value(node.approvalState)}): ${node.commands.length} command(s)`;
  return {
    text: truncate(`Node ${summary}`, FALLBACK_MAX),
    blocks: [
      header('describe.header', `Node ${name}`),
      fieldsSection('describe.fields', stateFields(node, nowMs)),
      section('describe.host', `*Host:* ${stats}`),
      ...surfaceBlocks(node, policy),
      section('describe.path', `*PATH:* ${path}`),
      context('describe.note', [':warning: admin = admin-sensitive: invoking it needs an OpenClaw admin.']),
    ],
  };
}
