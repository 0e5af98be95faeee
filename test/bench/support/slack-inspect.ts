/** Reading what the bot sent to the fake Slack: interactive values in blocks, and when each id first appeared. */
import type { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { RecordedCall } from '../../fakes/fake-slack/types.js';

/** `blocks` of a Web API call: the array, or the JSON string a form-encoded call carries. */
export function blocksOf(args: Record<string, unknown>): unknown {
  const blocks = args.blocks;
  if (typeof blocks !== 'string') return blocks;
  try {
    return JSON.parse(blocks) as unknown;
  } catch {
    return undefined;
  }
}

/** Every string under a `value` key (buttons, overflow and select options), depth-first. */
export function collectValues(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectValues(item, into);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'value' && typeof value === 'string') into.push(value);
      else if (typeof value === 'object') collectValues(value, into);
    }
  }
  return into;
}

/** True for a call Slack accepted (HTTP 200 and `ok: true`). */
export function isAccepted(call: RecordedCall): boolean {
  return call.httpStatus === 200 && call.response?.ok === true;
}

/**
 * For each id, the fake's receive time of the first accepted `methods` call whose interactive values
 * contain it (so a click on that message could act on it). Ids never seen are absent.
 */
export function firstActionableAt(
  slack: FakeSlack,
  ids: readonly string[],
  methods: readonly string[] = ['chat.postMessage', 'chat.update'],
): Map<string, number> {
  const found = new Map<string, number>();
  const calls = slack.calls().filter((c) => methods.includes(c.method) && isAccepted(c));
  for (const call of calls) {
    const values = collectValues(blocksOf(call.args)).join('\n');
    // The fake's receipt of the call: its own checks afterwards are Slack's time, not the bot's.
    for (const id of ids) if (!found.has(id) && values.includes(id)) found.set(id, call.receivedAtMs ?? call.atMs);
    if (found.size === ids.length) break;
  }
  return found;
}

/** The ids that no top-level message of `channel` currently offers a button/option for. */
export function missingFromChannel(slack: FakeSlack, channel: string, ids: readonly string[]): string[] {
  const values = slack
    .messages(channel)
    .flatMap((m) => collectValues(m.blocks))
    .join('\n');
  return ids.filter((id) => !values.includes(id));
}
