/** Checks of Slack-bound output: valid Block Kit and nothing that would notify or link. */
import { validateBlocks } from '../../../fakes/fake-slack/block-kit-validator.js';
import { scanMessageForInjection } from '../../../fakes/fake-slack/injection.js';
import type { JsonObject } from '../../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER } from '../../support/bot-harness.js';
import { SECOND_APPROVER } from './fault-kit.js';

/** The only people the bot may mention: deciders, named by ids it validated itself. */
const MENTIONABLE = { userIds: [APPROVER, ADMIN, SECOND_APPROVER] };

/** mrkdwn objects Slack auto-parses (no `verbatim: true`) turn a bare URL into a live link. */
function autoLinkedUrls(node: unknown, pointer: string, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      autoLinkedUrls(child, `${pointer}/${i}`, out);
    });
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as JsonObject;
  if (record.type === 'mrkdwn' && record.verbatim !== true && /\b(https?|mailto):/i.test(String(record.text))) {
    out.push(`auto-linked URL at ${pointer}`);
  }
  for (const [key, value] of Object.entries(record)) autoLinkedUrls(value, `${pointer}/${key}`, out);
}

/** Everything wrong with one Slack-bound body: Block Kit errors, and any live mention or link. */
export function problemsOf(body: JsonObject, source: string): string[] {
  const problems = Array.isArray(body.blocks) ? validateBlocks(body.blocks, 'message') : [];
  if (body.blocks !== undefined && !Array.isArray(body.blocks)) problems.push('blocks is not an array');
  for (const v of scanMessageForInjection(body, MENTIONABLE, source))
    problems.push(`${v.kind} ${v.token} ${v.pointer}`);
  autoLinkedUrls(body.blocks, `${source} /blocks`, problems);
  return problems;
}
