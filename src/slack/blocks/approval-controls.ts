/**
 * What an approved node's card offers after the decision (issue 16): until when the approval lasts, and for admins
 * Revoke (with a confirmation naming the node), Extend and Make permanent, and the values these buttons carry.
 */
import type { types } from '@slack/bolt';
import { formatDuration, shortDuration } from '../../config/workflow.js';
import type { RequestRecord } from '../../pairing/types.js';
import { formatSlackDate, plain } from '../escape.js';
import { type Block, blockId, context, plainText } from './block-kit.js';
import { encodeValue, GATEWAY_ID, parseObject } from './decision-buttons.js';

/** action_id of Revoke on an approved node's card. */
export const REVOKE_ACTION_ID = 'pairing.revoke';
/** action_id prefix of Extend (one per duration). */
export const EXTEND_ACTION_PREFIX = 'pairing.extend.';
/** action_id of Make permanent. */
export const PERMANENT_ACTION_ID = 'pairing.permanent';

/** What Revoke, Extend and Make permanent carry: which request, and for Extend by how much. */
export interface ApprovedValue {
  readonly g: string;
  readonly r: string;
  readonly d?: number | undefined;
}

/** Parses a Revoke / Extend / Make permanent value; undefined unless it is exactly the shape written here. */
export function parseApprovedValue(value: string): ApprovedValue | undefined {
  const { g, r, d } = parseObject(value) ?? {};
  if (typeof g !== 'string' || !GATEWAY_ID.test(g) || typeof r !== 'string' || r === '' || r.length > 200)
    return undefined;
  if (d !== undefined && (typeof d !== 'number' || !Number.isSafeInteger(d) || d <= 0)) return undefined;
  return { g, r, ...(d === undefined ? {} : { d }) };
}

/** Until when a time-bound approval lasts, and who changed it last (mrkdwn); undefined for a permanent one. */
export function untilLine(record: RequestRecord): string | undefined {
  const until = record.approval?.untilMs;
  if (until === undefined) return undefined;
  return `⏳ Approved until ${formatSlackDate(until)}: then the bot removes the node from the gateway. An admin can extend it or make it permanent.`;
}

/** The blocks an approved node's card ends with: until when, and the admin controls. */
export function renderApprovedControls(record: RequestRecord, durationsMs: readonly number[], v: string): Block[] {
  if (record.status !== 'approved' || record.kind !== 'node') return [];
  const base = { g: record.gateway, r: record.requestId };
  const revokeValue = encodeValue(base);
  if (revokeValue === undefined) return [];
  const name = plain(record.request.displayName ?? record.request.subjectId, 60);
  const elements: types.Button[] = [
    {
      type: 'button',
      action_id: REVOKE_ACTION_ID,
      text: plainText('Revoke…', 75),
      style: 'danger',
      value: revokeValue,
      accessibility_label: plain(`Revoke ${name}`, 75),
      confirm: {
        title: plainText('Revoke this node?', 100),
        text: plainText(
          `Node "${name}" (${record.request.subjectId.slice(0, 12)}) will be removed from the gateway and disconnected. It has to pair again to come back.`,
          300,
        ),
        confirm: plainText('Revoke', 30),
        deny: plainText('Cancel', 30),
        style: 'danger',
      },
    },
  ];
  const until = untilLine(record);
  if (until !== undefined) {
    for (const ms of durationsMs) {
      const value = encodeValue({ ...base, d: ms });
      if (value === undefined) continue;
      elements.push({
        type: 'button',
        action_id: `${EXTEND_ACTION_PREFIX}${shortDuration(ms)}`,
        text: plainText(`Extend ${shortDuration(ms)}`, 75),
        value,
        accessibility_label: plain(`Extend ${name}'s approval by ${formatDuration(ms)}`, 75),
      });
    }
    elements.push({
      type: 'button',
      action_id: PERMANENT_ACTION_ID,
      text: plainText('Make permanent', 75),
      value: revokeValue,
      accessibility_label: plain(`Make ${name}'s approval permanent`, 75),
    });
  }
  return [
    ...(until === undefined ? [] : [context(blockId('until', v), [until])]),
    { type: 'actions', block_id: blockId('approved', v), elements },
  ];
}
