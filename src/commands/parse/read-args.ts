/** Reads the words of a command, applying the `--share`, `--timeout` and `--gateway` (`-g`) flags wherever they appear. */
import { parseDuration } from './parse-duration.js';
import { readToken, type Token } from './tokenize.js';

/** Flags found so far; `timeoutMs` is only valid for invoke (the caller checks). */
export interface Flags {
  share: boolean;
  timeoutMs: number | undefined;
  /** `--gateway <id>` / `-g <id>`: which gateway the command is for. */
  gateway?: string | undefined;
}

const GATEWAY_ID = /^[a-z0-9-]{1,20}$/;

type Fail = { ok: false; error: string };
const fail = (error: string): Fail => ({ ok: false, error });

/** Quotes user input for an error message: no control characters, `<>` made inert, at most 40 characters. */
export function quoteInput(text: string): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/</g, '‹')
    .replace(/>/g, '›');
  const chars = [...clean.slice(0, 200)];
  return `"${chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : clean}"`;
}

function applyFlag(input: string, token: Token, flags: Flags): { ok: true; next: number } | Fail | undefined {
  if (token.quoted || !(token.value.startsWith('--') || token.value === '-g')) return undefined;
  const eq = token.value.indexOf('=');
  const name = (eq === -1 ? token.value : token.value.slice(0, eq)).toLowerCase();
  if (name === '--share' && eq === -1) {
    flags.share = true;
    return { ok: true, next: token.end };
  }
  if (name !== '--timeout' && name !== '--gateway' && name !== '-g') {
    return fail(
      `unknown option ${quoteInput(token.value)}: use --share (answer in the channel), --gateway <id> (-g) or --timeout 30s (invoke)`,
    );
  }
  let value = eq === -1 ? undefined : token.value.slice(eq + 1);
  let next = token.end;
  if (value === undefined) {
    const read = readToken(input, next);
    if (!read.ok) return read;
    value = read.token?.value;
    next = read.token?.end ?? next;
  }
  if (name !== '--timeout') {
    const id = (value ?? '').toLowerCase();
    if (!GATEWAY_ID.test(id)) return fail(`--gateway needs a gateway id such as prod (got ${quoteInput(value ?? '')})`);
    flags.gateway = id;
    return { ok: true, next };
  }
  const duration = parseDuration(value ?? '');
  if (!duration.ok) return fail(`--timeout ${quoteInput(value ?? '')}: ${duration.error}`);
  flags.timeoutMs = duration.ms;
  return { ok: true, next };
}

/** The next word that is not a flag, applying flags on the way. */
export function nextWord(input: string, from: number, flags: Flags): { ok: true; token: Token | undefined } | Fail {
  let pos = from;
  for (;;) {
    const read = readToken(input, pos);
    if (!read.ok || !read.token) return read;
    const flag = applyFlag(input, read.token, flags);
    if (!flag) return read;
    if (!flag.ok) return flag;
    pos = flag.next;
  }
}

/** Every remaining word that is not a flag. */
export function restWords(input: string, from: number, flags: Flags): { ok: true; words: Token[] } | Fail {
  const words: Token[] = [];
  let pos = from;
  for (;;) {
    const read = nextWord(input, pos, flags);
    if (!read.ok) return read;
    if (!read.token) return { ok: true, words };
    words.push(read.token);
    pos = read.token.end;
  }
}
