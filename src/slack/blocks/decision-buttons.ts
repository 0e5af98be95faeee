/** Approve/Reject buttons for a pairing request: the value format, the confirm dialog and the actions block. */
import type { types } from '@slack/bolt';
import { isAdminSensitive, type PairingRequest, type RequestKind, type RequestRecord } from '../../pairing/types.js';
import { plain } from '../escape.js';
import { plainText } from './block-kit.js';

/** action_id of the Approve button. */
export const APPROVE_ACTION_ID = 'pairing.approve';
/** action_id of the Reject button. */
export const REJECT_ACTION_ID = 'pairing.reject';
/** action_id of the Approve/Reject overflow menu on digest entries. */
export const DECIDE_ACTION_ID = 'pairing.decide';
/** Longest button value Slack accepts. */
export const BUTTON_VALUE_MAX = 2000;
/** Longest option value Slack accepts (overflow menus). */
export const OPTION_VALUE_MAX = 150;

/** What a button carries: request kind, gateway request id and the fingerprint of what was shown. */
export interface DecisionValue {
  readonly k: RequestKind;
  readonly r: string;
  readonly f: string;
  /** Overflow options carry the decision itself; buttons carry it in their action_id. */
  readonly d?: 'approve' | 'reject';
}

/** Returns the compact JSON button value (`<`, `>`, `&`, `@` as \u escapes), or undefined when it exceeds `max` chars. */
export function encodeDecisionValue(
  record: RequestRecord,
  decision?: 'approve' | 'reject',
  max = BUTTON_VALUE_MAX,
): string | undefined {
  const value: DecisionValue = {
    k: record.kind,
    r: record.requestId,
    f: record.fingerprint,
    ...(decision ? { d: decision } : {}),
  };
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/@/g, '\\u0040');
  return Array.from(json).length <= max && record.requestId !== '' ? json : undefined;
}

/** Parses a button value back; undefined unless it is exactly the shape {@link encodeDecisionValue} writes. */
export function parseDecisionValue(value: string): DecisionValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { k, r, f, d } = parsed as Record<string, unknown>;
  if ((k !== 'node' && k !== 'device') || typeof r !== 'string' || r === '' || typeof f !== 'string') return undefined;
  if (d !== undefined && d !== 'approve' && d !== 'reject') return undefined;
  return d === undefined ? { k, r, f } : { k, r, f, d };
}

/** Returns the plain_text body of the confirm dialog (≤300), naming the subject and what it would be granted. */
function confirmBody(request: PairingRequest): string {
  const name = plain(request.displayName ?? request.subjectId, 60);
  const subject = `${request.kind === 'node' ? 'node' : 'device'} "${name}"`;
  if (request.kind === 'device') {
    const scopeAdmin = request.scopes.includes('operator.admin');
    return plain(`Approve ${subject}? It asks for ${scopeAdmin ? 'operator.admin' : 'the node role'}.`, 300);
  }
  const shell = request.commands.some((c) => c === 'system.run' || c === 'system.run.prepare');
  const grant = shell ? 'This grants shell access (system.run).' : 'This grants admin-sensitive commands.';
  return plain(`Approve ${subject}? ${grant} Only continue if you expected this request.`, 300);
}

/** Returns the confirm dialog Approve carries on admin-sensitive requests. */
export function renderApproveConfirm(request: PairingRequest): types.ConfirmationDialog {
  return {
    title: plainText('Approve admin-sensitive pairing?', 100),
    text: plainText(confirmBody(request), 300),
    confirm: plainText('Approve', 30),
    deny: plainText('Cancel', 30),
    style: 'danger',
  };
}

/** Returns the Approve/Reject actions block, or undefined when the value would break Slack's limits. */
export function renderDecisionActions(record: RequestRecord, id: string): types.ActionsBlock | undefined {
  const value = encodeDecisionValue(record);
  if (value === undefined) return undefined;
  const name = plain(record.request.displayName ?? record.request.subjectId, 40);
  const approve: types.Button = {
    type: 'button',
    action_id: APPROVE_ACTION_ID,
    text: plainText('Approve', 75),
    style: 'primary',
    value,
    accessibility_label: plain(`Approve ${name}`, 75),
    ...(isAdminSensitive(record.request) ? { confirm: renderApproveConfirm(record.request) } : {}),
  };
  const reject: types.Button = {
    type: 'button',
    action_id: REJECT_ACTION_ID,
    text: plainText('Reject', 75),
    style: 'danger',
    value,
    accessibility_label: plain(`Reject ${name}`, 75),
  };
  return { type: 'actions', block_id: id, elements: [approve, reject] };
}

/** Returns the one-block Approve/Reject overflow menu for a digest entry, or undefined when a value exceeds 150 chars. */
export function renderDecisionOverflow(record: RequestRecord): types.Overflow | undefined {
  const approve = encodeDecisionValue(record, 'approve', OPTION_VALUE_MAX);
  const reject = encodeDecisionValue(record, 'reject', OPTION_VALUE_MAX);
  if (approve === undefined || reject === undefined) return undefined;
  return {
    type: 'overflow',
    action_id: DECIDE_ACTION_ID,
    options: [
      { text: plainText('Approve', 75), value: approve },
      { text: plainText('Reject', 75), value: reject },
    ],
    // Slack shows one confirm for the whole menu; on admin-sensitive requests it guards Approve (and Reject).
    ...(isAdminSensitive(record.request) ? { confirm: renderApproveConfirm(record.request) } : {}),
  };
}
