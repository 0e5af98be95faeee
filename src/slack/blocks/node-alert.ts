/** Node alert messages (offline, low disk) and the thread reply when nodes recover. */
import type { NodeAlertRecord } from '../../storage/ports.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, oneLine, truncate } from '../escape.js';
import { context, FALLBACK_MAX, type RenderedMessage, section } from './block-kit.js';

/** Nodes listed by name in one message; the rest are counted. */
const LISTED_MAX = 40;
const NAME_MAX = 60;

function nodeName(node: NodeAlertRecord['nodes'][number]): string {
  const name = escapeMrkdwn(oneLine(node.name ?? '')).trim();
  return `${name ? `*${truncate(name, NAME_MAX)}* ` : ''}(${inlineCode(node.nodeId.slice(0, 12), 13)})`;
}

function minutes(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  return m < 1 ? 'under a minute' : m === 1 ? '1 min' : `${m} min`;
}

/** The alert as it stands: still open (what is wrong since when) or over (who recovered when). */
export function renderNodeAlert(alert: NodeAlertRecord, gatewayLabel: string | undefined): RenderedMessage {
  const on = gatewayLabel ? ` on gateway ${inlineCode(gatewayLabel, 24)}` : '';
  const closed = alert.closedAtMs !== undefined;
  const back = new Set(alert.recovered);
  const listed = alert.nodes.slice(0, LISTED_MAX);
  const more = alert.nodes.length - listed.length;
  let title: string;
  if (alert.kind === 'disk') {
    const [node] = alert.nodes;
    title = closed
      ? `✅ Disk space is back on ${node ? nodeName(node) : 'the node'}${on} (was ${escapeMrkdwn(alert.detail ?? 'low')})`
      : `🟠 Low disk on ${node ? nodeName(node) : 'a node'}${on}: ${escapeMrkdwn(alert.detail ?? 'below the threshold')}`;
  } else if (alert.nodes.length === 1 && alert.nodes[0]) {
    const node = alert.nodes[0];
    title = closed
      ? `✅ Node ${nodeName(node)}${on} was offline from ${formatSlackDate(node.sinceMs)} to ${formatSlackDate(alert.closedAtMs ?? 0)} (${minutes((alert.closedAtMs ?? 0) - node.sinceMs)})`
      : `🔴 Node ${nodeName(node)}${on} is offline since ${formatSlackDate(node.sinceMs)}`;
  } else {
    const down = alert.nodes.length - back.size;
    title = closed
      ? `✅ All ${alert.nodes.length} nodes${on} of this alert are back online`
      : `🔴 ${alert.nodes.length} nodes${on} are offline (${down} still offline; each with the time it was last seen)`;
  }
  const lines =
    alert.kind === 'offline' && alert.nodes.length > 1
      ? listed.map((n) => `${back.has(n.nodeId) ? '✅' : '🔴'} ${nodeName(n)} since ${formatSlackDate(n.sinceMs)}`)
      : [];
  const list =
    lines.length > 0
      ? [section('na.nodes', truncate([...lines, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'), 2_900))]
      : [];
  const hint = closed
    ? []
    : [
        context('na.hint', [
          alert.kind === 'disk'
            ? '`/openclaw describe` shows its host stats.'
            : '`/openclaw nodes offline` lists every offline node with when it was last seen.',
        ]),
      ];
  const text = truncate(title.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1'), FALLBACK_MAX);
  return { text, blocks: [section('na.title', truncate(title, 2_900)), ...list, ...hint] };
}

/** The thread reply when nodes of the alert recovered. */
export function renderNodeAlertReply(
  alert: NodeAlertRecord,
  recovered: readonly string[],
  nowMs: number,
): RenderedMessage {
  const nodes = alert.nodes.filter((n) => recovered.includes(n.nodeId));
  const names = nodes.slice(0, LISTED_MAX).map(nodeName).join(', ');
  const more = nodes.length > LISTED_MAX ? ` and ${nodes.length - LISTED_MAX} more` : '';
  const line =
    alert.kind === 'disk'
      ? `✅ Disk space is back on ${names}.`
      : nodes.length === 1 && nodes[0]
        ? `✅ ${names} is back online after ${minutes(nowMs - nodes[0].sinceMs)}.`
        : `✅ Back online: ${names}${more}.`;
  const text = truncate(line, FALLBACK_MAX);
  return { text, blocks: [section('na.reply', text)] };
}
