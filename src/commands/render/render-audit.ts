/** `/openclaw audit [N]`: the last audited actions, newest last, one line each (escaped, clamped). */
import type { AuditEntry } from '../../audit/audit-entry.js';
import { context, FALLBACK_MAX, header, type RenderedMessage, section } from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, formatSlackDate, mentionUser, oneLine, truncate } from '../../slack/escape.js';

const LINE_MAX = 280;
const SECTION_CHARS = 2_900;

const ICON: Record<AuditEntry['outcome'], string> = {
  intent: '⏳',
  ok: '✅',
  refused: '⛔',
  failed: '❌',
  changed: '🔁',
  already: '↩️',
};

/** One entry as a line: time, who, what, target, outcome and (clamped) detail; params are summarised. */
export function formatAuditLine(entry: AuditEntry): string {
  const who = entry.actor === 'gateway' ? 'gateway' : mentionUser(entry.actor);
  const target = entry.targetName ? `${entry.targetName} (${entry.target})` : entry.target;
  const params = entry.params === undefined ? '' : ` ${truncate(JSON.stringify(entry.params), 120)}`;
  const detail = entry.detail ? ` — ${entry.detail}` : '';
  const text = `${escapeMrkdwn(oneLine(`${entry.action} ${target}${params}`))} · ${entry.outcome}${escapeMrkdwn(oneLine(detail))}`;
  return truncate(`${ICON[entry.outcome]} ${formatSlackDate(entry.atMs)} ${who} ${text}`, LINE_MAX);
}

/** Renders the entries (oldest first) in as few sections as fit; always valid Block Kit. */
export function renderAudit(entries: readonly AuditEntry[], _nowMs: number): RenderedMessage {
  if (entries.length === 0) {
    return { text: 'The audit log is empty.', blocks: [section('audit.empty', 'The audit log is empty.')] };
  }
  const chunks: string[] = [];
  let current = '';
  for (const line of entries.map(formatAuditLine)) {
    if (current.length + line.length + 1 > SECTION_CHARS) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return {
    text: truncate(`Audit log: the last ${entries.length} entries`, FALLBACK_MAX),
    blocks: [
      header('audit.head', `Audit log: last ${entries.length}`),
      ...chunks.slice(0, 20).map((chunk, i) => section(`audit.${i}`, chunk)),
      context('audit.hint', ['Full log with params: `node dist/main.js audit --since 24h --json` on the bot host.']),
    ],
  };
}
