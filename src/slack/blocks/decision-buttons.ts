/** Approve/Reject buttons for a pairing request: the value format, the confirm dialog and the actions block. */
import type { types } from '@slack/bolt';
import { formatDuration, shortDuration } from '../../config/workflow.js';
import type { PairingRequest, RequestKind, RequestRecord } from '../../pairing/types.js';
import { plain } from '../escape.js';
import { plainText } from './block-kit.js';
import type { RiskPolicy } from './request-summary.js';

/** action_id of the Approve button. */
export const APPROVE_ACTION_ID = 'pairing.approve';
/** action_id of the Reject button. */
export const REJECT_ACTION_ID = 'pairing.reject';
/** action_id of "Withdraw my approval" (two-person rule: the first approver takes it back). */
export const WITHDRAW_ACTION_ID = 'pairing.withdraw';
/** action_id of the overflow menu older releases put on digest entries (refused now: it decided unseen surfaces). */
export const DECIDE_ACTION_ID = 'pairing.decide';
/** action_id of a digest entry's Review button: opens the full card in a modal, where the decision is made. */
export const REVIEW_ACTION_ID = 'pairing.review';
/** action_id prefix of the "Approve for …" buttons (one per duration: `pairing.approve_for.30m`). */
export const APPROVE_FOR_ACTION_PREFIX = 'pairing.approve_for.';
/** Matches every action_id that starts with `prefix` (a family of buttons, one per duration). */
export function actionIdsStartingWith(prefix: string): RegExp {
  return new RegExp(`^${prefix.replaceAll('.', '\\.')}`);
}

/** Longest button value Slack accepts. */
export const BUTTON_VALUE_MAX = 2000;
/** What a button carries: gateway id, request kind, gateway request id and the fingerprint of what was shown. */
export interface DecisionValue {
  /** Absent on buttons of an older release: the gateway `default`. */
  readonly g: string;
  readonly k: RequestKind;
  readonly r: string;
  readonly f: string;
}

/** A gateway id as button values carry it. */
export const GATEWAY_ID = /^[a-z0-9-]{1,20}$/;

/** The gateway id of a parsed value: absent (an older release's button) is `default`, anything else must be an id. */
function gatewayOf(g: unknown): string | undefined {
  if (g === undefined) return 'default';
  return typeof g === 'string' && GATEWAY_ID.test(g) ? g : undefined;
}

/** Compact JSON with `<`, `>`, `&`, `@` as \u escapes (inert in any Slack text), or undefined beyond `max` chars. */
export function encodeValue(value: object, max = BUTTON_VALUE_MAX): string | undefined {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/@/g, '\\u0040');
  return Array.from(json).length <= max ? json : undefined;
}

/** The object a button value holds, or undefined when it is not JSON of an object. */
export function parseObject(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the button value of a decision on `record`, or undefined when it exceeds Slack's limit. */
export function encodeDecisionValue(record: RequestRecord): string | undefined {
  if (record.requestId === '') return undefined;
  return encodeValue({
    g: record.gateway,
    k: record.kind,
    r: record.requestId,
    f: record.fingerprint,
  } satisfies DecisionValue);
}

/** Parses a button value back; undefined unless it is exactly the shape {@link encodeDecisionValue} writes. */
export function parseDecisionValue(value: string): DecisionValue | undefined {
  const { g, k, r, f } = parseObject(value) ?? {};
  const gateway = gatewayOf(g);
  if (gateway === undefined) return undefined;
  if ((k !== 'node' && k !== 'device') || typeof r !== 'string' || r === '' || typeof f !== 'string') return undefined;
  return { g: gateway, k, r, f };
}

/** Returns the plain_text body of the confirm dialog (≤300), naming the subject and what it would be granted. */
function confirmBody(request: PairingRequest, policy: RiskPolicy): string {
  const name = plain(request.displayName ?? request.subjectId, 60);
  const subject = `${request.kind === 'node' ? 'node' : 'device'} "${name}"`;
  if (request.kind === 'device') {
    const scopes = request.scopes.filter((s) => s !== 'operator.read');
    const asks = [...scopes, ...(request.role === 'node' || request.roles.includes('node') ? ['the node role'] : [])];
    return plain(`Approve ${subject}? It asks for ${asks.join(', ') || 'admin-sensitive access'}.`, 300);
  }
  const exec = policy.sensitiveCommands(request).filter((c) => policy.riskOf(c) === 'exec');
  const grant =
    exec.length > 0
      ? `This grants commands that run code or drive input (${exec.slice(0, 4).join(', ')}${exec.length > 4 ? ', …' : ''}).`
      : 'This grants commands that are not on the harmless list.';
  return plain(`Approve ${subject}? ${grant} Only continue if you expected this request.`, 300);
}

/** Returns the confirm dialog Approve carries on admin-sensitive requests. */
export function renderApproveConfirm(request: PairingRequest, policy: RiskPolicy): types.ConfirmationDialog {
  return {
    title: plainText('Approve admin-sensitive pairing?', 100),
    text: plainText(confirmBody(request, policy), 300),
    confirm: plainText('Approve', 30),
    deny: plainText('Cancel', 30),
    style: 'danger',
  };
}

/**
 * Returns the Approve/Reject actions block (Reject alone when `approve` is false), or undefined when the value would
 * break Slack's limits.
 */
export function renderDecisionActions(
  record: RequestRecord,
  id: string,
  policy: RiskPolicy,
  options: {
    readonly approve: boolean;
    readonly durationsMs?: readonly number[];
    /** Two-person rule: a first approval is recorded; its approver may withdraw it. */
    readonly withdraw?: boolean;
  } = { approve: true },
): types.ActionsBlock | undefined {
  const value = encodeDecisionValue(record);
  if (value === undefined) return undefined;
  const name = plain(record.request.displayName ?? record.request.subjectId, 40);
  const confirm = policy.isAdminSensitive(record.request) ? renderApproveConfirm(record.request, policy) : undefined;
  const approve: types.Button = {
    type: 'button',
    action_id: APPROVE_ACTION_ID,
    text: plainText('Approve', 75),
    style: 'primary',
    value,
    accessibility_label: plain(`Approve ${name}`, 75),
    ...(confirm ? { confirm } : {}),
  };
  const timed = renderApproveForButtons(record, options.durationsMs ?? [], confirm);
  const reject: types.Button = {
    type: 'button',
    action_id: REJECT_ACTION_ID,
    text: plainText('Reject', 75),
    style: 'danger',
    value,
    accessibility_label: plain(`Reject ${name}`, 75),
  };
  const withdraw: types.Button[] = options.withdraw
    ? [
        {
          type: 'button',
          action_id: WITHDRAW_ACTION_ID,
          text: plainText('Withdraw my approval', 75),
          value,
          accessibility_label: plain(`Withdraw your approval of ${name}`, 75),
        },
      ]
    : [];
  const elements = options.approve ? [approve, ...timed, reject, ...withdraw] : [reject, ...withdraw];
  return { type: 'actions', block_id: id, elements };
}

/** The "Approve for …" buttons of a pending request (none when no duration is configured or the id is too long). */
export function renderApproveForButtons(
  record: RequestRecord,
  durationsMs: readonly number[],
  confirm: types.ConfirmationDialog | undefined,
): types.Button[] {
  const decision = encodeDecisionValue(record);
  if (decision === undefined) return [];
  const name = plain(record.request.displayName ?? record.request.subjectId, 40);
  return durationsMs.flatMap((ms) => {
    const value = encodeValue({ ...(JSON.parse(decision) as object), d: ms });
    if (value === undefined) return [];
    const button: types.Button = {
      type: 'button',
      action_id: `${APPROVE_FOR_ACTION_PREFIX}${shortDuration(ms)}`,
      text: plainText(`Approve for ${shortDuration(ms)}`, 75),
      value,
      accessibility_label: plain(`Approve ${name} for ${formatDuration(ms)}`, 75),
      ...(confirm ? { confirm } : {}),
    };
    return [button];
  });
}

/** The duration an "Approve for …" value carries, or undefined (a plain decision value has none). */
export function parseDurationOf(value: string): number | undefined {
  const { d } = parseObject(value) ?? {};
  return typeof d === 'number' && Number.isSafeInteger(d) && d > 0 ? d : undefined;
}

/** What a Review button carries: which request to open. */
export interface ReviewValue {
  readonly g: string;
  readonly k: RequestKind;
  readonly r: string;
}

/** Returns a digest entry's Review button (opens the full card first), or undefined when the id is too long. */
export function renderReviewButton(record: RequestRecord): types.Button | undefined {
  const value =
    record.requestId === '' ? undefined : encodeValue({ g: record.gateway, k: record.kind, r: record.requestId });
  if (value === undefined) return undefined;
  return {
    type: 'button',
    action_id: REVIEW_ACTION_ID,
    text: plainText('Review…', 75),
    value,
    accessibility_label: plain(`Review ${record.request.displayName ?? record.request.subjectId}`, 75),
  };
}

/** Parses a Review button value; undefined unless it is exactly the shape {@link renderReviewButton} writes. */
export function parseReviewValue(value: string): ReviewValue | undefined {
  const { g, k, r } = parseObject(value) ?? {};
  const gateway = gatewayOf(g);
  if (gateway === undefined || (k !== 'node' && k !== 'device' && k !== 'exec') || typeof r !== 'string' || r === '')
    return undefined;
  return { g: gateway, k, r };
}
