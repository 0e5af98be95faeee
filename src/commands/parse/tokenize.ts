/** Splits command text into words, honouring "double", 'single' and “smart” quotes around a word. */

export interface Token {
  /** The word without its quotes. */
  readonly value: string;
  /** Offsets of the word (quotes included) in the text. */
  readonly start: number;
  readonly end: number;
  /** A quoted word is never taken as a flag. */
  readonly quoted: boolean;
}

/** The next word (undefined at the end), or an unclosed-quote error. */
export type TokenResult = { ok: true; token: Token | undefined } | { ok: false; error: string };

const CLOSING: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };
const SPACE = /\s/u;

/** Offset of the first non-space character at or after `from`. */
export function skipSpace(text: string, from: number): number {
  let pos = from;
  while (pos < text.length && SPACE.test(text[pos] ?? '')) pos++;
  return pos;
}

/** Reads the word starting at or after `from`; `token` is undefined at the end of the text. */
export function readToken(text: string, from: number): TokenResult {
  const start = skipSpace(text, from);
  if (start >= text.length) return { ok: true, token: undefined };
  const open = text[start] ?? '';
  const close = CLOSING[open];
  if (close !== undefined) {
    let endQuote = text.indexOf(close, start + 1);
    if (open === '"' && endQuote === -1) endQuote = text.indexOf('”', start + 1);
    if (endQuote === -1) {
      return { ok: false, error: `a quote opened at position ${start} is never closed: add the closing ${close}` };
    }
    const token = { value: text.slice(start + 1, endQuote), start, end: endQuote + 1, quoted: true };
    return { ok: true, token };
  }
  let end = start;
  while (end < text.length && !SPACE.test(text[end] ?? '')) end++;
  return { ok: true, token: { value: text.slice(start, end), start, end, quoted: false } };
}
