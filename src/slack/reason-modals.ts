/**
 * OPENCLAW_REQUIRE_REASON: Approve or Reject on a request it covers opens a modal asking why (views.open with the
 * click's trigger_id, or views.push over a review modal); the decision is made on submit, with the reason. A cancelled
 * modal decides nothing. What the click was (and where to answer) rides in the view's private_metadata, which Slack
 * keeps server-side; it is parsed as untrusted all the same, and the decider checks everything again.
 */
import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { formatDuration } from '../config/workflow.js';
import type { ExecDecision, RequestRecord } from '../pairing/types.js';
import type { RequestKey, Storage } from '../storage/ports.js';
import { plainText, section } from './blocks/block-kit.js';
import { type DecisionValue, parseObject } from './blocks/decision-buttons.js';
import { visibleText } from './blocks/exec-card.js';
import { displayName, REASON_MAX, shortId, subjectNoun } from './blocks/request-summary.js';
import { inlineCode } from './escape.js';
import { describeSlackError } from './slack-errors.js';

export const REASON_CALLBACK_ID = 'pairing.reason';

const VERBS: Record<PendingDecision['decision'], string> = {
  approve: 'Approve',
  reject: 'Reject',
  'allow-once': 'Allow once',
  'allow-always': 'Allow always',
  deny: 'Deny',
};
/** block_id and action_id of the reason input. */
export const REASON_INPUT = 'reason';
const METADATA_MAX = 3000;

/** The click a reason modal stands for, as its private_metadata holds it. */
export interface PendingDecision {
  /** A pairing decision's button value, or an exec approval's (`k: 'exec'`). */
  readonly value: DecisionValue;
  readonly decision: 'approve' | 'reject' | ExecDecision;
  readonly durationMs?: number | undefined;
  /** Where to answer: the clicked message's response_url, the Home tab, or the review modal below. */
  readonly answer: { readonly responseUrl?: string; readonly home?: true; readonly viewId?: string };
}

export function encodePendingDecision(p: PendingDecision): string {
  return JSON.stringify({ v: p.value, d: p.decision, t: p.durationMs, o: p.answer });
}

/** Parses private_metadata back; undefined unless it is exactly what {@link encodePendingDecision} writes. */
export function parsePendingDecision(text: string): PendingDecision | undefined {
  const { v, d, t, o } = parseObject(text) ?? {};
  const value = v as Partial<DecisionValue> | undefined;
  const answer = (o ?? {}) as { responseUrl?: unknown; home?: unknown; viewId?: unknown };
  if (!value || typeof value.g !== 'string' || typeof value.r !== 'string' || typeof value.f !== 'string')
    return undefined;
  if (value.k !== 'node' && value.k !== 'device' && value.k !== 'exec') return undefined;
  const decisions = value.k === 'exec' ? ['allow-once', 'allow-always', 'deny'] : ['approve', 'reject'];
  if (typeof d !== 'string' || !decisions.includes(d)) return undefined;
  if (t !== undefined && (typeof t !== 'number' || !Number.isSafeInteger(t) || t <= 0)) return undefined;
  return {
    value: { g: value.g, k: value.k, r: value.r, f: value.f },
    decision: d as PendingDecision['decision'],
    durationMs: t as number | undefined,
    answer: {
      ...(typeof answer.responseUrl === 'string' ? { responseUrl: answer.responseUrl } : {}),
      ...(answer.home === true ? { home: true as const } : {}),
      ...(typeof answer.viewId === 'string' ? { viewId: answer.viewId } : {}),
    },
  };
}

/** The modal: what is being decided, and a required box for the reason (at most {@link REASON_MAX} characters). */
export function renderReasonModal(record: RequestRecord, pending: PendingDecision): types.ModalView {
  const verb = VERBS[pending.decision];
  const time = pending.durationMs ? ` for ${formatDuration(pending.durationMs)}` : '';
  const what =
    record.kind === 'exec'
      ? `the command ${inlineCode(visibleText(record.request.exec?.commandText ?? ''), 200)} on ${record.request.exec?.nodeId ? `node *${displayName(record.request)}*` : 'the gateway host'}`
      : `the ${subjectNoun(record.request)} *${displayName(record.request)}* (${shortId(record.request)})${time}`;
  return {
    type: 'modal',
    callback_id: REASON_CALLBACK_ID,
    private_metadata: encodePendingDecision(pending),
    title: plainText(`${verb} request`, 24),
    submit: plainText(verb, 24),
    close: plainText('Cancel', 24),
    blocks: [
      section(
        'reason.what',
        `${verb}: ${what}? This team asks for a reason; it is shown on the card, in its thread and kept in the audit log.`,
      ),
      {
        type: 'input',
        block_id: REASON_INPUT,
        label: plainText('Why?', 2000),
        element: {
          type: 'plain_text_input',
          action_id: REASON_INPUT,
          multiline: true,
          min_length: 3,
          max_length: REASON_MAX,
          placeholder: plainText('e.g. new build host for the CI team, ticket OPS-123', 150),
        },
      },
    ],
  };
}

/** The typed reason of a submitted reason modal (trimmed), or undefined when it is empty. */
export function reasonOf(view: { state?: { values?: Record<string, Record<string, { value?: string | null }>> } }) {
  const typed = view.state?.values?.[REASON_INPUT]?.[REASON_INPUT]?.value ?? '';
  const reason = typed.trim().slice(0, REASON_MAX);
  return reason === '' ? undefined : reason;
}

/** Where the click came from, as far as the modal needs it (a listener's ClickOrigin fits). */
export interface ReasonOrigin {
  readonly responseUrl: string | undefined;
  readonly view: { readonly id: string; readonly type: 'modal' | 'home' } | undefined;
  readonly triggerId?: string | undefined;
}

export class ReasonModals {
  constructor(private readonly options: { storage: Pick<Storage, 'requests'>; log: Logger }) {}

  /**
   * Opens the reason modal for a click that needs one (within the trigger's 3 s); false when the request is unknown
   * or the modal could not be opened (the clicker is told why).
   */
  async ask(client: WebClient, origin: ReasonOrigin, key: RequestKey, pending: Omit<PendingDecision, 'answer'>) {
    const record = await this.options.storage.requests.get(key);
    if (!record || !origin.triggerId) return false;
    const answer =
      origin.view?.type === 'home'
        ? { home: true as const }
        : origin.view
          ? { viewId: origin.view.id }
          : origin.responseUrl
            ? { responseUrl: origin.responseUrl }
            : {};
    const view = renderReasonModal(record, { ...pending, answer });
    if ((view.private_metadata ?? '').length > METADATA_MAX) return false;
    try {
      // Over a review modal the reason stacks on top of it (a modal cannot open another one beside it).
      if (origin.view?.type === 'modal') await client.views.push({ trigger_id: origin.triggerId, view });
      else await client.views.open({ trigger_id: origin.triggerId, view });
      return true;
    } catch (err) {
      this.options.log.warn(
        { err, requestId: key.requestId },
        `could not open the reason modal: ${describeSlackError(err)}`,
      );
      return false;
    }
  }
}
