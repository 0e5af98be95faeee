/** The thread reply posted under a card once a request is decided (or fails to be). */
import type { RequestRecord } from '../../pairing/types.js';
import { describeFailure } from '../decision-notes.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, mentionUser, truncate } from '../escape.js';
import { blockId, FALLBACK_MAX, type RenderedMessage, section, versionSuffix } from './block-kit.js';
import { visibleText } from './exec-card.js';
import { displayName, reasonText, shortId, subjectNoun } from './request-summary.js';

/** Renders "<@U…> approved node *name* (`id`)" and friends; mentions only validated user ids, ≤3000 chars. */
export function renderDecisionReply(record: RequestRecord, ended = false): RenderedMessage {
  // The reply of the decision itself says what was decided, even when the approval has ended since.
  const asDecided =
    !ended && record.status === 'removed' && record.approval?.ended
      ? { ...record, status: 'approved' as const }
      : record;
  // A receipt already known joins the decision's reply: one post of Slack's per-channel limit, not two.
  const receipt = receiptInDecisionReply(record, ended) ? `\n${receiptLine(record)}` : '';
  const line = truncate(`${replyLine(asDecided)}${receipt}`, FALLBACK_MAX);
  return { text: line, blocks: [section(blockId('reply', versionSuffix([record])), line)] };
}

/** True when the decision's reply for `record` carries its receipt (known before the reply went out). */
function receiptInDecisionReply(record: RequestRecord, ended = false): boolean {
  const receipt = record.approval?.receipt;
  return !ended && record.status === 'approved' && receipt?.how === 'connected' && receipt.inReply === true;
}

/** The receipt under an approved node's card: connected with its approved commands (which sensitive ones), or not yet. */
export function renderReceiptReply(record: RequestRecord): RenderedMessage {
  const text = truncate(receiptLine(record), FALLBACK_MAX);
  return { text, blocks: [section(blockId('receipt', versionSuffix([record])), text)] };
}

function receiptLine(record: RequestRecord): string {
  const receipt = record.approval?.receipt;
  const subject = `${subjectNoun(record.request)} *${displayName(record.request)}* (${shortId(record.request)})`;
  let line: string;
  if (receipt?.how === 'connected') {
    const at =
      receipt.connectedAtMs === undefined ? '' : ` (connected since ${formatSlackDate(receipt.connectedAtMs)})`;
    const active = receipt.active ?? [];
    const sensitive =
      active.length > 0
        ? `; ${active.map((c) => inlineCode(c, 60)).join(', ')} active`
        : '; none of them beyond the harmless list';
    const n = receipt.commands ?? 0;
    const missing = receipt.missing ?? [];
    const withheld =
      missing.length > 0
        ? ` Not listed by the gateway although approved: ${missing.map((c) => inlineCode(c, 60)).join(', ')} (its node command policy may withhold them).`
        : '';
    line = `📡 The ${subject} is in effect${at} with ${n} command${n === 1 ? '' : 's'}${sensitive}.${withheld}`;
  } else {
    line = `⚠️ The ${subject} has not connected with its approved commands within 10 minutes of the approval. It may be offline or still on an older surface; \`/openclaw describe\` shows it as it is now.`;
  }
  return line;
}

const EXEC_WORDS = { 'allow-once': 'allowed once', 'allow-always': 'allowed always', deny: 'denied' } as const;

/** "<@U…> allowed once `cmd` on node *name*", and the rest of an exec request's endings. */
function execReplyLine(record: RequestRecord): string {
  const exec = record.request.exec;
  const cmd = inlineCode(visibleText(exec?.commandText ?? ''), 120);
  const where = exec?.nodeId
    ? `on node *${displayName(record.request)}* (${shortId(record.request)})`
    : 'on the gateway host';
  const by = record.resolvedBy;
  if (record.status === 'approved' || record.status === 'rejected') {
    const words = EXEC_WORDS[by?.decision ?? (record.status === 'rejected' ? 'deny' : 'allow-once')];
    const why = by?.via === 'slack' && by.reason ? ` Reason: ${reasonText(by.reason)}` : '';
    return by?.via === 'slack'
      ? `${record.status === 'rejected' ? '❌' : '✅'} ${mentionUser(by.userId)} ${words} ${cmd} ${where}.${why}`
      : `${record.status === 'rejected' ? '❌' : '✅'} ${cmd} ${where} was ${words} outside Slack.`;
  }
  if (record.status === 'expired') return `⌛ The request to run ${cmd} ${where} expired; it did not run.`;
  if (record.status === 'pending' && record.lastFailure)
    return `⚠️ Could not decide ${cmd} ${where}: ${truncate(escapeMrkdwn(describeFailure(record.lastFailure)), 500)}`;
  return `The request to run ${cmd} ${where} is ${record.status}.`;
}

function replyLine(record: RequestRecord): string {
  if (record.kind === 'exec') return execReplyLine(record);
  const subject = `${subjectNoun(record.request)} *${displayName(record.request)}* (${shortId(record.request)})`;
  const by = record.resolvedBy;
  const outside = by?.via !== 'slack';
  const why = by?.via === 'slack' && by.reason ? ` Reason: ${reasonText(by.reason)}` : '';
  const until = record.approval?.untilMs;
  const time = until === undefined ? '' : ` until ${formatSlackDate(until)}`;
  switch (record.status) {
    case 'approved':
      return outside
        ? `✅ The ${subject} was approved outside Slack (CLI, Control UI or automatic approval).`
        : `✅ ${mentionUser(by.userId)} approved ${subject}${time}.${why}`;
    case 'rejected':
      return outside
        ? `❌ The ${subject} was rejected outside Slack (CLI or Control UI).`
        : `❌ ${mentionUser(by.userId)} rejected ${subject}.${why}`;
    case 'expired':
      return `⌛ The request from ${subject} expired: it stopped asking.`;
    case 'gone':
      return `❔ The request from ${subject} is no longer pending on the gateway; no decision was seen.`;
    case 'superseded':
      return `🔁 The request from ${subject} was superseded by a newer request.`;
    case 'removed': {
      const ended = record.approval?.ended;
      if (ended?.how === 'expired')
        return `⌛ The time-bound approval of ${subject} ended: the bot removed the node from the gateway.`;
      if (ended?.userId)
        return `🗑️ ${mentionUser(ended.userId)} revoked ${subject}: it was removed from the gateway and disconnected.`;
      return `🗑️ The ${subject} was removed.`;
    }
    case 'pending':
      return record.lastFailure
        ? `⚠️ Could not decide ${subject}: ${truncate(escapeMrkdwn(describeFailure(record.lastFailure)), 500)}`
        : `The ${subject} is still waiting for a decision.`;
  }
}
