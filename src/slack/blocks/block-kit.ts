/** Small Block Kit builders shared by the pairing renderers; every mrkdwn object is `verbatim` (no auto-parsing). */
import type { types } from '@slack/bolt';
import type { RequestRecord } from '../../pairing/types.js';
import { inlineCode, plain, truncate } from '../escape.js';

/** A Block Kit block as Slack's own types describe it. */
export type Block = types.KnownBlock;

/** A rendered message: `text` is the escaped notification fallback, `blocks` what Slack draws. */
export interface RenderedMessage {
  readonly text: string;
  readonly blocks: Block[];
}

/** Longest text a section may hold (Block Kit: 3000). */
export const SECTION_MAX = 3000;
/** Longest top-level fallback text we send (Slack accepts more; 3000 keeps chat.update well under 4000). */
export const FALLBACK_MAX = 3000;

/** Returns a verbatim mrkdwn text object; `text` must already be escaped and is clamped to `max`. */
export function mrkdwn(text: string, max = SECTION_MAX): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text === '' ? ' ' : text, max), verbatim: true };
}

/** Returns a plain_text object (cleaned, never empty, clamped to `max`). */
export function plainText(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: plain(text, max), emoji: true };
}

/** Returns a block id: `name` must be unique in the message, `suffix` comes from {@link versionSuffix}. */
export function blockId(name: string, suffix: string): string {
  return `${name}.${suffix}`;
}

/** Returns a short suffix that changes whenever any record changes (its `version` or `updatedAtMs`). */
export function versionSuffix(records: readonly Pick<RequestRecord, 'version' | 'updatedAtMs'>[]): string {
  const whole = (n: number) => (Number.isFinite(n) ? Math.trunc(Math.abs(n)) : 0);
  const versions = records.reduce((sum, r) => sum + whole(r.version), 0);
  const latest = records.reduce((max, r) => Math.max(max, whole(r.updatedAtMs)), 0);
  return `${versions.toString(36)}-${latest.toString(36)}`;
}

/** Returns a section holding escaped mrkdwn. */
export function section(id: string, text: string): types.SectionBlock {
  return { type: 'section', block_id: id, text: mrkdwn(text) };
}

/** Returns a section of at most 10 `*label*\nvalue` fields, each already escaped and clamped. */
export function fieldsSection(id: string, fields: readonly (readonly [string, string])[]): types.SectionBlock {
  const objects = fields.slice(0, 10).map(([label, value]) => mrkdwn(`*${label}*\n${value}`, 2000));
  return { type: 'section', block_id: id, fields: objects };
}

/** Returns a context block of at most 10 escaped mrkdwn lines. */
export function context(id: string, lines: readonly string[]): types.ContextBlock {
  return { type: 'context', block_id: id, elements: lines.slice(0, 10).map((l) => mrkdwn(l)) };
}

/** Returns a header block (plain_text, at most 150 characters). */
export function header(id: string, text: string): types.HeaderBlock {
  return { type: 'header', block_id: id, text: plainText(text, 150) };
}

/** Returns a divider block. */
export function divider(id: string): types.DividerBlock {
  return { type: 'divider', block_id: id };
}

/** Options for {@link renderList}. */
export interface ListLimits {
  /** Longest result, in characters. */
  readonly maxChars: number;
  /** Longest single item before it is clamped. */
  readonly itemMax?: number;
  /** Appended to items that match, e.g. " (new)". */
  readonly mark?: (item: string) => string;
}

/** Renders items as comma-separated inline code within `maxChars`, ending with "… and N more" when it cuts. */
export function renderList(items: readonly string[], limits: ListLimits): string {
  return fitList(items, limits).text;
}

/** Like {@link renderList}, also saying how many items were shown (all of them when `shown === items.length`). */
export function fitList(items: readonly string[], limits: ListLimits): { text: string; shown: number } {
  if (items.length === 0) return { text: 'none', shown: 0 };
  const reserve = ` … and ${items.length} more`.length;
  const parts: string[] = [];
  let used = 0;
  for (const item of items) {
    const piece = `${inlineCode(item, limits.itemMax ?? 120)}${limits.mark?.(item) ?? ''}`;
    const cost = piece.length + (parts.length > 0 ? 2 : 0);
    const isLast = parts.length === items.length - 1;
    if (used + cost + (isLast ? 0 : reserve) > limits.maxChars) break;
    parts.push(piece);
    used += cost;
  }
  const rest = items.length - parts.length;
  if (parts.length === 0) return { text: `${items.length} items (too long to list)`, shown: 0 };
  return { text: rest > 0 ? `${parts.join(', ')} … and ${rest} more` : parts.join(', '), shown: parts.length };
}
