/**
 * Neutralising untrusted text for Slack (reference §7): mrkdwn escaping, plain_text clean-up,
 * length clamping that respects entities and surrogate pairs, and the few `<…>` tokens we build ourselves.
 */

/** C0/C1 control characters except \t and \n, plus bidi overrides/isolates that can disguise a name. */
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Words Slack may auto-parse into mass notifications when a mrkdwn object is not verbatim. */
const MASS_MENTION = /@(?=(?:here|channel|everyone)\b)/gi;
const ZERO_WIDTH_SPACE = '\u200B';
const ELLIPSIS = '…';
const SLACK_USER_ID = /^[UW][A-Z0-9]{1,31}$/;
const PLACEHOLDER = '(none)';

/** Line breaks and other characters that would start a new visual line (or column) in Slack. */
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]+/g;

/**
 * Returns `text` on one line: every line break or tab becomes one space, so a node-chosen string (a display name,
 * a platform) cannot add fake lines to a card, a digest or a confirmation.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ');
}

/** Removes control characters (keeping \n and \t), bidi overrides and lone surrogates. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : '')).replace(LONE_SURROGATE, '\uFFFD');
}

/** Decodes `&lt;`, `&gt;` and then `&amp;` exactly once, so text that arrives entity-encoded is not double-escaped. */
function decodeOnce(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Escapes `&`, `<`, `>` (in that order) after one decode pass. */
function escapeEntities(text: string): string {
  return decodeOnce(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns mrkdwn-safe text: no `<…>` token, no raw `<`/`>`, no auto-parsable @here/@channel/@everyone, no control chars. */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(stripControl(text)).replace(MASS_MENTION, `@${ZERO_WIDTH_SPACE}`);
}

/** Returns text safe inside a ``` block: escaped like mrkdwn and with no two backticks in a row. */
export function escapeCode(text: string): string {
  return escapeMrkdwn(text).replace(/`(?=`)/g, `\`${ZERO_WIDTH_SPACE}`);
}

/** Returns `` `text` `` with the text escaped, clamped to `max` characters and unable to close the span early. */
export function inlineCode(text: string, max = 200): string {
  const body = truncate(escapeMrkdwn(oneLine(text)).replace(/`/g, 'ˋ'), max);
  return body.trim() === '' ? '(empty)' : `\`${body}\``;
}

/**
 * Clamps `text` to at most `max` characters (code points, as Slack counts), appending `…` when it cuts.
 * Never splits a surrogate pair, an `&amp;`/`&lt;`/`&gt;` entity or a `<…>` token we generated.
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  let head = chars.slice(0, max - 1).join('');
  head = head.replace(/&[a-z]{0,3}$/, '');
  const open = head.lastIndexOf('<');
  if (open !== -1 && head.indexOf('>', open) === -1) head = head.slice(0, open);
  return `${head}${ELLIPSIS}`;
}

/** Returns text for a plain_text field: control chars stripped, `<`/`>`/@here made inert, never empty, ≤ `max` chars. */
export function plain(text: string | undefined, max: number): string {
  const cleaned = decodeOnce(stripControl(oneLine(text ?? '')))
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(MASS_MENTION, `@${ZERO_WIDTH_SPACE}`)
    .trim();
  return truncate(cleaned === '' ? PLACEHOLDER : cleaned, max);
}

/** Returns `<@ID>` for a valid Slack user id (`U…`/`W…`), otherwise the escaped text, which mentions nobody. */
export function mentionUser(id: string): string {
  return SLACK_USER_ID.test(id) ? `<@${id}>` : escapeMrkdwn(oneLine(id));
}

/** Returns a Slack date token (`<!date^…^{date_short_pretty} {time}|ISO>`), or "an unknown time" for a bad timestamp. */
export function formatSlackDate(ms: number): string {
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) return 'an unknown time';
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${date.toISOString()}>`;
}
