/** The help message (only the commands the caller may run) and the answer for removed seed commands. */

import { context, FALLBACK_MAX, header, type RenderedMessage, section } from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, inlineCode, truncate } from '../../slack/escape.js';
import { REMOVED_COMMAND_ANSWER, type RemovedCommand } from '../parse/command-catalog.js';

/** One line of help. */
export interface HelpEntry {
  readonly command: string;
  readonly usage: string;
  readonly example: string;
}

/** Most commands listed; the catalog has ten, so this only guards against a caller passing junk. */
const MAX_ENTRIES = 40;

function entryLine(entry: HelpEntry): string {
  return `${inlineCode(entry.usage, 200)}\n      e.g. ${inlineCode(entry.example, 200)}`;
}

/** Lists `allowed` commands with usage and an example, in one section per ten (always valid Block Kit). */
export function renderHelp(allowed: readonly HelpEntry[]): RenderedMessage {
  const entries = allowed.slice(0, MAX_ENTRIES);
  const lines = entries.map(entryLine);
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 10) chunks.push(lines.slice(i, i + 10).join('\n'));
  const body =
    chunks.length > 0
      ? chunks.map((chunk, i) => section(`help.list.${i}`, chunk))
      : [section('help.list.0', 'You may not run any /openclaw command here. Ask an admin for access.')];
  const names = entries.map((e) => truncate(escapeMrkdwn(e.command), 40)).join(', ');
  return {
    text: truncate(`OpenClaw commands: ${names || 'none available to you'}`, FALLBACK_MAX),
    blocks: [
      header('help.header', 'OpenClaw commands'),
      ...body,
      context('help.notes', [
        'Add `--share` to post the answer in the channel. Quote names with spaces: `"build box"`.',
        'A node can be named by id, id prefix (6+ characters), display name or IP.',
      ]),
    ],
  };
}

/** Explains that `pair-request` / `pair-verify` are gone and points to `pending`. */
export function renderRemovedCommand(name: RemovedCommand): RenderedMessage {
  const text = `${inlineCode(name)} no longer exists. ${REMOVED_COMMAND_ANSWER}`;
  return { text: truncate(text, FALLBACK_MAX), blocks: [section('removed.info', text)] };
}
