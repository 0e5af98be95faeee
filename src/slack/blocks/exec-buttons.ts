/** Allow once / Allow always / Deny for an exec approval request: values, the Allow always confirmation, the block. */
import type { types } from '@slack/bolt';
import type { ExecDecision, RequestRecord } from '../../pairing/types.js';
import { plain } from '../escape.js';
import { plainText } from './block-kit.js';
import { encodeValue, GATEWAY_ID, parseObject, renderReviewButton } from './decision-buttons.js';

/** action_id of "Withdraw my approval" on an exec card (two-person rule). */
export const EXEC_WITHDRAW_ACTION_ID = 'exec.withdraw';
/** action_id per answer. */
export const EXEC_ACTION_IDS: Readonly<Record<ExecDecision, string>> = {
  'allow-once': 'exec.allow-once',
  'allow-always': 'exec.allow-always',
  deny: 'exec.deny',
};

/** What an exec button carries: gateway id, approval id and the fingerprint of the command shown. */
export interface ExecValue {
  readonly g: string;
  readonly r: string;
  readonly f: string;
}

function encode(record: RequestRecord): string | undefined {
  if (record.requestId === '') return undefined;
  return encodeValue({ g: record.gateway, k: 'exec', r: record.requestId, f: record.fingerprint });
}

/** Parses an exec button value; undefined unless it is exactly the shape the card writes. */
export function parseExecValue(value: string): ExecValue | undefined {
  const { g, k, r, f } = parseObject(value) ?? {};
  if (typeof g !== 'string' || !GATEWAY_ID.test(g) || k !== 'exec') return undefined;
  if (typeof r !== 'string' || r === '' || typeof f !== 'string') return undefined;
  return { g, r, f };
}

/** The Allow always dialog: what it grants (the command's program, on which node) and for how long (until removed). */
function allowAlwaysConfirm(record: RequestRecord): types.ConfirmationDialog {
  const exec = record.request.exec;
  const program = plain(exec?.resolvedPath ?? exec?.argv[0] ?? exec?.commandText ?? 'this command', 80);
  const where = exec?.nodeId ? `node "${plain(record.request.displayName ?? exec.nodeId, 40)}"` : 'the gateway host';
  return {
    title: plainText('Allow this command always?', 100),
    text: plainText(
      `Adds ${program} to the exec allowlist of ${where}: matching commands will run there without asking anyone, with no end date, until the entry is removed from its exec approvals. To allow just this run, choose Allow once.`,
      300,
    ),
    confirm: plainText('Allow always', 30),
    deny: plainText('Cancel', 30),
    style: 'danger',
  };
}

/**
 * The actions block: a button per offered answer (Allow ones only when `allow`: the whole command is shown), and a
 * "Show full command" button when `review`. Undefined when the value would break Slack's limits.
 */
export function renderExecActions(
  record: RequestRecord,
  id: string,
  options: { readonly allow: boolean; readonly review: boolean; readonly withdraw?: boolean },
): types.ActionsBlock | undefined {
  const value = encode(record);
  const offered = record.request.exec?.allowedDecisions ?? [];
  if (value === undefined) return undefined;
  const elements: types.Button[] = [];
  if (options.review) {
    const review = renderReviewButton(record);
    if (review) elements.push({ ...review, text: plainText('Show full command', 75) });
  }
  for (const decision of offered) {
    if (decision !== 'deny' && !options.allow) continue;
    const label = decision === 'allow-once' ? 'Allow once' : decision === 'allow-always' ? 'Allow always' : 'Deny';
    elements.push({
      type: 'button',
      action_id: EXEC_ACTION_IDS[decision],
      text: plainText(label, 75),
      value,
      accessibility_label: plain(`${label}: exec request ${record.requestId}`, 75),
      ...(decision === 'allow-once' ? { style: 'primary' as const } : {}),
      ...(decision === 'deny' ? { style: 'danger' as const } : {}),
      ...(decision === 'allow-always' ? { confirm: allowAlwaysConfirm(record) } : {}),
    });
  }
  if (options.withdraw)
    elements.push({
      type: 'button',
      action_id: EXEC_WITHDRAW_ACTION_ID,
      text: plainText('Withdraw my approval', 75),
      value,
      accessibility_label: plain(`Withdraw your approval of exec request ${record.requestId}`, 75),
    });
  return elements.length > 0 ? { type: 'actions', block_id: id, elements } : undefined;
}
