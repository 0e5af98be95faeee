/** Escaped, length-bounded mrkdwn describing a pairing request and its outcome; shared by the card, digest and reply. */
import {
  ADMIN_SENSITIVE_COMMANDS,
  isAdminSensitive,
  type PairingRequest,
  type RequestRecord,
} from '../../pairing/types.js';
import { escapeMrkdwn, formatSlackDate, inlineCode, mentionUser, truncate } from '../escape.js';
import { renderList } from './block-kit.js';

/** Who may decide a request, by tier. */
export type DecisionTier = 'admin' | 'approver';

/** How many Slack principals are configured per tier (0 means nobody in that tier). */
export interface DeciderCounts {
  readonly approvers: number;
  readonly admins: number;
}

const FIELD_MAX = 120;
const SHORT_ID_CHARS = 12;

/** Returns "node" or "device". */
export function subjectNoun(request: PairingRequest): string {
  return request.kind === 'node' ? 'node' : 'device';
}

/** Returns the escaped display name (or a placeholder), at most `max` characters. */
export function displayName(request: PairingRequest, max = 150): string {
  const name = escapeMrkdwn(request.displayName ?? '').trim();
  return name === '' ? '(unnamed)' : truncate(name, max);
}

/** Returns the first 12 characters of the node or device id as inline code. */
export function shortId(request: PairingRequest): string {
  return inlineCode(Array.from(request.subjectId).slice(0, SHORT_ID_CHARS).join(''), SHORT_ID_CHARS + 1);
}

/** Returns the tier a decision needs: admin when the request is admin-sensitive. */
export function requiredTier(request: PairingRequest): DecisionTier {
  return isAdminSensitive(request) ? 'admin' : 'approver';
}

/** Returns how many configured principals may decide this request (admins may decide every tier). */
export function eligibleDeciders(request: PairingRequest, deciders: DeciderCounts): number {
  return requiredTier(request) === 'admin' ? deciders.admins : deciders.approvers + deciders.admins;
}

/** Returns the note shown instead of buttons when nobody is configured to decide. */
export function noDecidersNote(request: PairingRequest): string {
  const which = requiredTier(request) === 'admin' ? '`OPENCLAW_ADMINS`' : '`OPENCLAW_APPROVERS` or `OPENCLAW_ADMINS`';
  return `⛔ Nobody here may decide this request: set ${which} to Slack user ids (U…/W…) or user group ids (S…) and restart the bot. Until then, decide with the OpenClaw CLI or Control UI.`;
}

/** Returns the admin-sensitive callout, or undefined when nothing sensitive is asked for. */
export function adminSensitiveLine(request: PairingRequest, max = 900): string | undefined {
  if (request.kind === 'device') {
    const asks = [
      ...(request.scopes.includes('operator.admin') ? ['scope `operator.admin`'] : []),
      ...(request.role === 'node' || request.roles.includes('node') ? ['role `node`'] : []),
    ];
    return asks.length > 0 ? `⚠️ *Admin-sensitive:* asks for ${asks.join(' and ')}` : undefined;
  }
  const sensitive = request.commands.filter((c) => ADMIN_SENSITIVE_COMMANDS.has(c));
  const byScope = request.requiredApproveScopes.includes('operator.admin');
  if (sensitive.length === 0 && !byScope) return undefined;
  const before = new Set(request.previouslyApproved?.commands ?? []);
  const mark = (c: string) => (request.previouslyApproved && !before.has(c) ? ' (new)' : '');
  const list =
    sensitive.length > 0
      ? renderList(sensitive, { maxChars: max - 80, mark })
      : 'the gateway requires `operator.admin`';
  const shell = sensitive.some((c) => c.startsWith('system.run')) ? ' (grants shell access)' : '';
  return `⚠️ *Admin-sensitive:* ${list}${shell}`;
}

/** Returns the approval tier line, naming the gateway's required operator scopes. */
export function tierLine(request: PairingRequest): string {
  const who = requiredTier(request) === 'admin' ? 'an *admin* (`OPENCLAW_ADMINS`)' : 'an *approver* or admin';
  const scopes = request.requiredApproveScopes;
  const gateway = scopes.length > 0 ? ` · gateway scopes: ${renderList(scopes, { maxChars: 400, itemMax: 60 })}` : '';
  return `*Approval needs:* ${who}${gateway}`;
}

/** Returns one escaped, clamped field value (or "unknown"). */
export function fieldValue(value: string | undefined): string {
  const text = escapeMrkdwn(value ?? '').trim();
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
  switch (record.status) {
    case 'pending':
      return undefined;
    case 'approved':
      return by?.via === 'slack'
        ? `✅ Approved by ${mentionUser(by.userId)}${at}`
        : '✅ Approved outside Slack (CLI, Control UI or automatic approval)';
    case 'rejected':
      return by?.via === 'slack'
        ? `❌ Rejected by ${mentionUser(by.userId)}${at}`
        : '❌ Rejected outside Slack (CLI or Control UI)';
    case 'expired':
      return `⌛ Expired: the ${noun} stopped asking`;
    case 'superseded':
      return '🔁 Superseded by a newer request';
    case 'removed':
      return `🗑️ ${noun === 'node' ? 'Node' : 'Device'} removed`;
  }
}
