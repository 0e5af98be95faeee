/** Parses `/openclaw` slash-command text into a typed command, or an error that says what to type instead. */
import { COMMAND_WORDS, REMOVED_COMMANDS, type RemovedCommand, usageOf } from './command-catalog.js';
import { decodeSlackText } from './decode-slack-text.js';
import { type JsonValue, parseJsonPrefix } from './parse-json.js';
import { type Flags, nextWord, quoteInput, restWords } from './read-args.js';
import { suggest } from './suggest.js';
import { skipSpace, type Token } from './tokenize.js';

/** Longest command text accepted (Slack's own limit is not documented; 100 kB must not hurt). */
export const MAX_TEXT_CHARS = 8_000;
const MAX_ARG_CHARS = 200;
const MAX_NAME_CHARS = 100;

/** `''` (all), `online`, `offline`, `pending`, or free text matched against name, id, platform, IP. */
export type NodeFilter = string;
/** Invoke params: always a JSON object. */
export type InvokeParams = { [key: string]: JsonValue };

/** A parsed subcommand; every string is decoded plain text, still untrusted (escape before echoing). */
export type Command =
  | { readonly kind: 'help'; readonly topic: string | undefined }
  | { readonly kind: 'presence' }
  | { readonly kind: 'nodes'; readonly filter: NodeFilter }
  | { readonly kind: 'describe'; readonly node: string }
  | {
      readonly kind: 'invoke';
      readonly node: string;
      readonly command: string;
      readonly params: InvokeParams | undefined;
      readonly timeoutMs: number | undefined;
    }
  | { readonly kind: 'rename'; readonly node: string; readonly name: string }
  | { readonly kind: 'pending' }
  | { readonly kind: 'approve'; readonly requestId: string }
  | { readonly kind: 'reject'; readonly requestId: string }
  | { readonly kind: 'remove'; readonly node: string }
  | { readonly kind: 'audit'; readonly limit: number }
  | { readonly kind: 'approvals' }
  | { readonly kind: 'approvals-history'; readonly limit: number }
  | { readonly kind: 'removed'; readonly name: RemovedCommand };

/**
 * `share` is true when `--share` asked for the answer in the channel instead of an ephemeral one; `gateway` is the
 * `--gateway`/`-g` id (undefined: every gateway, or the only one).
 */
export type ParseResult =
  | { ok: true; command: Command; share: boolean; gateway: string | undefined }
  | { ok: false; error: string };

type Fail = { ok: false; error: string };
type Built = { ok: true; command: Command } | Fail;

const fail = (error: string): Fail => ({ ok: false, error });
const ok = (command: Command): Built => ({ ok: true, command });
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const REQUEST_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;
const COMMAND_NAME = /^[A-Za-z][\w.:/-]{0,127}$/;

function checkText(value: string, what: string, max: number): string | undefined {
  if (value.trim() === '') return `${what} is empty`;
  if (CONTROL.test(value)) return `${what} contains control characters or line breaks: type it on one line`;
  if (value.length > max) return `${what} is ${value.length} characters long; the limit is ${max}`;
  return undefined;
}

function joinNode(sub: string, words: Token[]): { ok: true; node: string } | Fail {
  const node = words.map((w) => w.value).join(' ');
  if (words.length === 0) return fail(`${sub} needs a node id, name or IP. Usage: ${usageOf(sub)}`);
  const problem = checkText(node, 'the node reference', MAX_ARG_CHARS);
  return problem ? fail(`${problem}. Usage: ${usageOf(sub)}`) : { ok: true, node };
}

function noArgs(sub: string, command: Command, words: Token[]): Built {
  const [extra] = words;
  return extra
    ? fail(`${sub} takes no arguments (got ${quoteInput(extra.value)}). Usage: ${usageOf(sub)}`)
    : ok(command);
}

function buildHelp(words: Token[]): Built {
  const [topic, extra] = words;
  if (!topic) return ok({ kind: 'help', topic: undefined });
  const word = topic.value.toLowerCase();
  if (extra || !COMMAND_WORDS.includes(word)) return unknownCommand(topic.value);
  return ok({ kind: 'help', topic: word === 'status' ? 'presence' : word });
}

function buildNodes(words: Token[]): Built {
  const filter = words.map((w) => w.value).join(' ');
  if (filter === '') return ok({ kind: 'nodes', filter: '' });
  const problem = checkText(filter, 'the filter', MAX_ARG_CHARS);
  if (problem) return fail(`${problem}. Usage: ${usageOf('nodes')}`);
  const keyword = filter.toLowerCase();
  const isKeyword = keyword === 'online' || keyword === 'offline' || keyword === 'pending';
  return ok({ kind: 'nodes', filter: isKeyword ? keyword : filter });
}

function buildRename(words: Token[]): Built {
  const [node, ...rest] = words;
  const nodeRef = joinNode('rename', node ? [node] : []);
  if (!nodeRef.ok) return nodeRef;
  const name = rest.map((w) => w.value).join(' ');
  if (rest.length === 0) return fail(`rename needs the new name after the node. Usage: ${usageOf('rename')}`);
  const problem = checkText(name, 'the new name', MAX_NAME_CHARS);
  return problem ? fail(`${problem}. Usage: ${usageOf('rename')}`) : ok({ kind: 'rename', node: nodeRef.node, name });
}

function buildDecision(kind: 'approve' | 'reject', words: Token[]): Built {
  const [id, extra] = words;
  if (!id || extra || !REQUEST_ID.test(id.value)) {
    const got = id ? ` (got ${quoteInput(words.map((w) => w.value).join(' '))})` : '';
    return fail(`${kind} needs one request id${got}; /openclaw pending lists them. Usage: ${usageOf(kind)}`);
  }
  return ok(kind === 'approve' ? { kind, requestId: id.value } : { kind, requestId: id.value });
}

/** Rows `/openclaw audit` shows by default and at most. */
export const AUDIT_DEFAULT_ROWS = 10;
export const AUDIT_MAX_ROWS = 50;

function buildAudit(words: Token[]): Built {
  const [count, extra] = words;
  if (!count) return ok({ kind: 'audit', limit: AUDIT_DEFAULT_ROWS });
  const n = /^\d{1,3}$/.test(count.value) ? Number(count.value) : Number.NaN;
  if (extra || !(n >= 1 && n <= AUDIT_MAX_ROWS)) {
    return fail(
      `audit takes one number from 1 to ${AUDIT_MAX_ROWS} (got ${quoteInput(words.map((w) => w.value).join(' '))}). Usage: ${usageOf('audit')}`,
    );
  }
  return ok({ kind: 'audit', limit: n });
}

/** Rows `/openclaw approvals history` shows by default and at most. */
export const HISTORY_DEFAULT_ROWS = 10;
export const HISTORY_MAX_ROWS = 50;

function buildApprovals(words: Token[]): Built {
  const [sub, count, extra] = words;
  if (!sub) return ok({ kind: 'approvals' });
  if (sub.value.toLowerCase() !== 'history')
    return fail(
      `approvals takes nothing or "history [N]" (got ${quoteInput(sub.value)}). Usage: ${usageOf('approvals')}`,
    );
  if (!count) return ok({ kind: 'approvals-history', limit: HISTORY_DEFAULT_ROWS });
  const n = /^\d{1,3}$/.test(count.value) ? Number(count.value) : Number.NaN;
  if (extra || !(n >= 1 && n <= HISTORY_MAX_ROWS))
    return fail(
      `approvals history takes one number from 1 to ${HISTORY_MAX_ROWS} (got ${quoteInput(
        words
          .slice(1)
          .map((w) => w.value)
          .join(' '),
      )}). Usage: ${usageOf('approvals')}`,
    );
  return ok({ kind: 'approvals-history', limit: n });
}

function unknownCommand(word: string): Fail {
  const [best] = suggest(word.toLowerCase(), COMMAND_WORDS, 1);
  const hint = best ? ` Did you mean "${best}"?` : '';
  return fail(`unknown subcommand ${quoteInput(word)}.${hint} Run /openclaw help for the list.`);
}

function buildCommand(sub: string, words: Token[]): Built {
  if (sub === 'help') return buildHelp(words);
  if (sub === 'presence' || sub === 'status') return noArgs(sub, { kind: 'presence' }, words);
  if (sub === 'pending') return noArgs(sub, { kind: 'pending' }, words);
  if (sub === 'nodes') return buildNodes(words);
  if (sub === 'audit') return buildAudit(words);
  if (sub === 'approvals') return buildApprovals(words);
  if (sub === 'rename') return buildRename(words);
  if (sub === 'approve' || sub === 'reject') return buildDecision(sub, words);
  if (sub === 'describe' || sub === 'remove') {
    const ref = joinNode(sub, words);
    return ref.ok ? ok({ kind: sub, node: ref.node }) : ref;
  }
  const removed = REMOVED_COMMANDS.find((name) => name === sub);
  return removed ? ok({ kind: 'removed', name: removed }) : unknownCommand(sub);
}

function parseParamsJson(text: string): ReturnType<typeof parseJsonPrefix> {
  const first = parseJsonPrefix(text);
  if (first.ok || !/[“”]/.test(text)) return first;
  const straight = parseJsonPrefix(text.replace(/[“”]/g, '"'));
  if (straight.ok) return straight;
  return fail(`${first.error} (Slack may have turned " into smart quotes “”: turn them off and retype)`);
}

function parseParams(input: string, from: number, flags: Flags): { ok: true; params: InvokeParams | undefined } | Fail {
  let pos = skipSpace(input, from);
  if (input[pos] !== '{') {
    // One word at a time: JSON must not go through the word splitter, whose quoting rules differ.
    const word = nextWord(input, pos, flags);
    if (!word.ok) return word;
    if (!word.token) return { ok: true, params: undefined };
    pos = word.token.start;
    if (input[pos] !== '{') {
      return fail(`params must be one JSON object such as {"bins":["ls"]} (got ${quoteInput(word.token.value)})`);
    }
  }
  const json = parseParamsJson(input.slice(pos));
  if (!json.ok) return json;
  const after = restWords(input, pos + json.end, flags);
  if (!after.ok) return after;
  const [extra] = after.words;
  if (extra)
    return fail(`unexpected ${quoteInput(extra.value)} after the JSON params: only --timeout and --share may follow`);
  return { ok: true, params: json.value as InvokeParams };
}

function parseInvoke(input: string, from: number, flags: Flags): Built {
  const usage = `Usage: ${usageOf('invoke')}`;
  const node = nextWord(input, from, flags);
  if (!node.ok) return node;
  const command = node.token ? nextWord(input, node.token.end, flags) : node;
  if (!command.ok) return command;
  if (!node.token || !command.token) return fail(`invoke needs a node and a command. ${usage}`);
  const ref = joinNode('invoke', [node.token]);
  if (!ref.ok) return ref;
  if (!COMMAND_NAME.test(command.token.value)) {
    return fail(`${quoteInput(command.token.value)} is not a command name such as system.which. ${usage}`);
  }
  const params = parseParams(input, command.token.end, flags);
  if (!params.ok) return params;
  const { params: value } = params;
  return ok({
    kind: 'invoke',
    node: ref.node,
    command: command.token.value,
    params: value,
    timeoutMs: flags.timeoutMs,
  });
}

/** Parses slash-command text (as Slack delivers it, entities and escapes included); empty text means help. */
export function parseCommand(text: string): ParseResult {
  if (text.length > MAX_TEXT_CHARS) {
    return fail(`the command is ${text.length} characters long; the limit is ${MAX_TEXT_CHARS}: shorten the params`);
  }
  const input = decodeSlackText(text);
  const flags: Flags = { share: false, timeoutMs: undefined };
  const first = nextWord(input, 0, flags);
  if (!first.ok) return first;
  let built: Built;
  if (!first.token) built = ok({ kind: 'help', topic: undefined });
  else if (first.token.value.toLowerCase() === 'invoke') built = parseInvoke(input, first.token.end, flags);
  else {
    const rest = restWords(input, first.token.end, flags);
    built = rest.ok ? buildCommand(first.token.value.toLowerCase(), rest.words) : rest;
  }
  if (!built.ok) return built;
  if (flags.timeoutMs !== undefined && built.command.kind !== 'invoke') return fail('--timeout only applies to invoke');
  return { ok: true, command: built.command, share: flags.share, gateway: flags.gateway };
}
