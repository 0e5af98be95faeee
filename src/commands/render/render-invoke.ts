/** The `invoke` answer: system.run-style output as exit code + stdout/stderr, anything else as pretty JSON. */
import type { NodeInfo, NodeInvokeResult } from '../../gateway/schemas.js';
import { type Block, context, FALLBACK_MAX, type RenderedMessage, section } from '../../slack/blocks/block-kit.js';
import { escapeCode, escapeMrkdwn, inlineCode, oneLine, truncate } from '../../slack/escape.js';
import { formatDuration } from './format.js';

/** What was invoked where, and what came back. */
export interface InvokeResultInput {
  readonly node: Pick<NodeInfo, 'nodeId' | 'displayName'>;
  readonly command: string;
  readonly result: NodeInvokeResult;
  readonly durationMs: number;
}

/** `truncated` output did not fit: `fullText` is the raw (unescaped) output, for the caller to attach as a file. */
export type InvokeRendered = RenderedMessage &
  ({ readonly truncated: false } | { readonly truncated: true; readonly fullText: string });

/** Most characters of one output stream shown inline (a section holds 3000, with room for its label). */
export const CODE_MAX = 2_800;

interface RunPayload {
  readonly exitCode: number | null | undefined;
  readonly timedOut: boolean;
  readonly success: boolean | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly error: string | undefined;
}

function asRunPayload(payload: unknown): RunPayload | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  if (!('exitCode' in p) || (typeof p.stdout !== 'string' && typeof p.stderr !== 'string')) return undefined;
  return {
    exitCode: typeof p.exitCode === 'number' ? p.exitCode : null,
    timedOut: p.timedOut === true,
    success: typeof p.success === 'boolean' ? p.success : undefined,
    stdout: typeof p.stdout === 'string' ? p.stdout : '',
    stderr: typeof p.stderr === 'string' ? p.stderr : '',
    error: typeof p.error === 'string' && p.error !== '' ? p.error : undefined,
  };
}

/** A ``` block of escaped text; `cut` when the text was longer than `max`. Cuts the raw text first, so 10 MB is cheap. */
function codeBlock(raw: string, max: number): { text: string; cut: boolean } {
  if (raw === '') return { text: '_(empty)_', cut: false };
  const head = raw.length > max * 2 ? raw.slice(0, max * 2) : raw;
  const escaped = escapeCode(head);
  const shown = truncate(escaped, max);
  return { text: `\`\`\`\n${shown}\n\`\`\``, cut: head !== raw || shown !== escaped };
}

function prettyJson(result: NodeInvokeResult): string {
  if (result.payload === undefined) {
    return typeof result.payloadJSON === 'string' ? result.payloadJSON : '(no payload)';
  }
  try {
    return JSON.stringify(result.payload, null, 2) ?? String(result.payload);
  } catch {
    return String(result.payload);
  }
}

function runStatus(run: RunPayload): string {
  if (run.timedOut) return `:hourglass: timed out (exit code ${run.exitCode ?? 'none'})`;
  const failed = run.success === false || (run.exitCode !== null && run.exitCode !== undefined && run.exitCode !== 0);
  return `${failed ? ':x:' : ':white_check_mark:'} exit code ${run.exitCode ?? 'none'}`;
}

function renderRun(run: RunPayload): { blocks: Block[]; status: string; cut: boolean; full: string } {
  const stdout = codeBlock(run.stdout, CODE_MAX);
  const stderr = codeBlock(run.stderr, CODE_MAX);
  const blocks: Block[] = [section('invoke.stdout', `*stdout*\n${stdout.text}`)];
  if (run.stderr !== '') blocks.push(section('invoke.stderr', `*stderr*\n${stderr.text}`));
  if (run.error) blocks.push(section('invoke.run-error', `*error:* ${truncate(escapeMrkdwn(run.error), 1_000)}`));
  const full = `exit code: ${run.exitCode ?? 'none'}${run.timedOut ? ' (timed out)' : ''}\n\n--- stdout ---\n${run.stdout}\n\n--- stderr ---\n${run.stderr}\n`;
  return { blocks, status: runStatus(run), cut: stdout.cut || stderr.cut, full };
}

/** Renders a `node.invoke` result; output that does not fit is cut with a note and returned whole in `fullText`. */
export function renderInvokeResult(input: InvokeResultInput): InvokeRendered {
  const { node, command, result, durationMs } = input;
  const run = asRunPayload(result.payload);
  let body: { blocks: Block[]; status: string; cut: boolean; full: string };
  if (run) body = renderRun(run);
  else {
    const json = prettyJson(result);
    const block = codeBlock(json, CODE_MAX);
    const status = result.ok === false ? ':x: the node reported a failure' : ':white_check_mark: ok';
    body = { blocks: [section('invoke.payload', block.text)], status, cut: block.cut, full: json };
  }
  const name = truncate(escapeMrkdwn(oneLine(node.displayName?.trim() || node.nodeId)), 80);
  const title = `${inlineCode(command, 100)} on *${name}*: ${body.status} · ${formatDuration(durationMs)}`;
  const note = 'Output truncated: only the start is shown here; the full output is attached as a file.';
  const blocks = [
    section('invoke.summary', title),
    ...body.blocks,
    ...(body.cut ? [context('invoke.cut', [note])] : []),
  ];
  const text = truncate(title.replace(/\*/g, ''), FALLBACK_MAX);
  return body.cut ? { text, blocks, truncated: true, fullText: body.full } : { text, blocks, truncated: false };
}
