/** Escaped, length-bounded mrkdwn describing a pairing request and its outcome; shared by the card, digest and reply. */
import type { PairingRequest, RequestRecord } from '../../pairing/types.js';
import type { CommandPolicy } from '../../policy/command-policy.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, mentionUser, oneLine, truncate } from '../escape.js';
import { fitList, renderList } from './block-kit.js';

/** Who may decide a request, by tier. */
export type DecisionTier = 'admin' | 'approver';

/** How many Slack principals are configured per tier (0 means nobody in that tier). */
export interface DeciderCounts {
  readonly approvers: number;
  readonly admins: number;
  /** OPENCLAW_EXEC_APPROVERS (default: the admins). */
  readonly execApprovers?: number | undefined;
}

const FIELD_MAX = 120;
const SHORT_ID_CHARS = 12;

/** Returns "node" or "device". */
export function subjectNoun(request: PairingRequest): string {
  return request.kind === 'node' ? 'node' : 'device';
}

/** Returns the escaped display name (or a placeholder), at most `max` characters. */
export function displayName(request: PairingRequest, max = 150): string {
  const name = escapeMrkdwn(oneLine(request.displayName ?? '')).trim();
  return name === '' ? '(unnamed)' : truncate(name, max);
}

/** Returns the first 12 characters of the node or device id as inline code. */
export function shortId(request: PairingRequest): string {
  return inlineCode(Array.from(request.subjectId).slice(0, SHORT_ID_CHARS).join(''), SHORT_ID_CHARS + 1);
}

/** The command policy as the renderers need it. */
export type RiskPolicy = Pick<CommandPolicy, 'isAdminSensitive' | 'sensitiveCommands' | 'riskOf'>;

/** Returns the tier a decision needs: admin when the request is admin-sensitive. */
export function requiredTier(request: PairingRequest, policy: RiskPolicy): DecisionTier {
  return policy.isAdminSensitive(request) ? 'admin' : 'approver';
}

/** Returns how many configured principals may decide this request (admins may decide every tier). */
export function eligibleDeciders(request: PairingRequest, deciders: DeciderCounts, policy: RiskPolicy): number {
  if (request.kind === 'exec') return deciders.execApprovers ?? 0;
  return requiredTier(request, policy) === 'admin' ? deciders.admins : deciders.approvers + deciders.admins;
}

/** Returns the note shown instead of buttons when nobody is configured to decide. */
export function noDecidersNote(request: PairingRequest, policy: RiskPolicy): string {
  const which =
    requiredTier(request, policy) === 'admin' ? '`OPENCLAW_ADMINS`' : '`OPENCLAW_APPROVERS` or `OPENCLAW_ADMINS`';
  return `⛔ Nobody here may decide this request: set ${which} to Slack user ids (U…/W…) or user group ids (S…) and restart the bot. Until then, decide with the OpenClaw CLI or Control UI.`;
}

/** Room for the admin-sensitive callout (one section). */
const SENSITIVE_MAX = 2_600;

/**
 * Returns the admin-sensitive callout listing every command that is not on the harmless list (those that run code
 * or drive input named again), or undefined when nothing sensitive is asked for. `complete` is false when the list
 * did not fit: then the card must not offer Approve.
 */
export function adminSensitiveLine(
  request: PairingRequest,
  policy: RiskPolicy,
): { text: string; complete: boolean } | undefined {
  if (request.kind === 'device') {
    const asks = [
      ...(request.scopes.includes('operator.admin') ? ['scope `operator.admin`'] : []),
      ...(request.scopes.includes('operator.write') ? ['scope `operator.write` (can run commands on nodes)'] : []),
      ...(request.scopes.includes('operator.pairing') ? ['scope `operator.pairing` (can approve devices)'] : []),
      ...(request.role === 'node' || request.roles.includes('node') ? ['role `node`'] : []),
    ];
    return asks.length > 0 ? { text: `⚠️ *Admin-sensitive:* asks for ${asks.join(', ')}`, complete: true } : undefined;
  }
  const sensitive = policy.sensitiveCommands(request);
  const byScope = request.requiredApproveScopes.includes('operator.admin');
  if (sensitive.length === 0 && !byScope) return undefined;
  const before = new Set(request.previouslyApproved?.commands ?? []);
  const mark = (c: string) => (request.previouslyApproved && !before.has(c) ? ' (new)' : '');
  const exec = sensitive.filter((c) => policy.riskOf(c) === 'exec');
  const execLine = exec.length > 0 ? `\n*Runs code or drives input:* ${renderList(exec, { maxChars: 600 })}` : '';
  const head = `⚠️ *Admin-sensitive* (${sensitive.length}, not on the harmless list): `;
  const room = SENSITIVE_MAX - head.length - execLine.length;
  if (sensitive.length === 0) return { text: `${head}the gateway requires \`operator.admin\``, complete: true };
  const list = fitList(sensitive, { maxChars: room, mark });
  return { text: `${head}${list.text}${execLine}`, complete: list.shown === sensitive.length };
}

/** Returns the approval tier line, naming the gateway's required operator scopes. */
export function tierLine(request: PairingRequest, policy: RiskPolicy): string {
  const who = requiredTier(request, policy) === 'admin' ? 'an *admin* (`OPENCLAW_ADMINS`)' : 'an *approver* or admin';
  const scopes = request.requiredApproveScopes;
  const gateway = scopes.length > 0 ? ` · gateway scopes: ${renderList(scopes, { maxChars: 400, itemMax: 60 })}` : '';
  return `*Approval needs:* ${who}${gateway}`;
}

/** Returns one escaped, clamped field value (or "unknown"). */
export function fieldValue(value: string | undefined): string {
  const text = escapeMrkdwn(oneLine(value ?? '')).trim();
  return text === '' ? '_unknown_' : truncate(text, FIELD_MAX);
}

/** Returns "client (mode)" for the client fields. */
export function clientValue(request: PairingRequest): string {
  const mode = request.clientMode ? ` (${fieldValue(request.clientMode)})` : '';
  return `${fieldValue(request.clientId)}${mode}`;
}

/** Returns the outcome line of a resolved record, or undefined while it is pending. */
export function outcomeLine(record: RequestRecord): string | undefined {
  const noun = subjectNoun(record.request);
  const at = record.resolvedAtMs === undefined ? '' : ` at ${formatSlackDate(record.resolvedAtMs)}`;
  const by = record.resolvedBy;
  const why = by?.via === 'slack' && by.reason ? `\n💬 ${reasonText(by.reason)}` : '';
  const first = record.approval?.first;
  const firstOf = first && by?.via === 'slack' && first.userId !== by.userId ? `${mentionUser(first.userId)} and ` : '';
  const approved =
    by?.via === 'slack'
      ? `✅ Approved by ${firstOf}${mentionUser(by.userId)}${at}${why}`
      : '✅ Approved outside Slack (CLI, Control UI or automatic approval)';
  switch (record.status) {
    case 'pending':
      return undefined;
    case 'approved':
      return approved;
    case 'rejected':
      return by?.via === 'slack'
        ? `❌ Rejected by ${mentionUser(by.userId)}${at}${why}`
        : '❌ Rejected outside Slack (CLI or Control UI)';
    case 'expired':
      return `⌛ Expired: the ${noun} stopped asking (device requests expire about 5 minutes after the last attempt)`;
    case 'gone':
      return '❔ No longer pending on the gateway: it was decided or withdrawn while the bot was not watching. `/openclaw describe` shows the node as it is now.';
    case 'superseded':
      return '🔁 Superseded by a newer request';
    case 'removed': {
      const ended = record.approval?.ended;
      if (!ended) return `🗑️ ${noun === 'node' ? 'Node' : 'Device'} removed`;
      const when = formatSlackDate(ended.atMs);
      return ended.how === 'expired'
        ? `${approved}\n⌛ The time-bound approval ended at ${when}: the node was removed from the gateway.`
        : `${approved}\n🗑️ Revoked by ${ended.userId ? mentionUser(ended.userId) : 'an admin'} at ${when}: the node was removed from the gateway.`;
    }
  }
}

/** Longest reason shown (the modal takes up to this many characters). */
export const REASON_MAX = 500;

/** A decider's reason as a quoted mrkdwn line: escaped, one line, bounded. */
export function reasonText(reason: string): string {
  return `“${truncate(escapeMrkdwn(oneLine(reason)), REASON_MAX)}”`;
}
