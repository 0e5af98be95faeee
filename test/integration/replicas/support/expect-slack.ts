/** Helpers of the replica tests: how many messages show each request, and waiting on a check with a deadline. */
import type { FakeSlack } from '../../../fakes/fake-slack/fake-slack.js';
import { CHANNEL } from '../../support/bot-harness.js';

/** How many channel messages show each request id (a card or a digest entry). */
export function cardsPerRequest(slack: FakeSlack, requestIds: readonly string[]): number[] {
  const messages = slack.messages(CHANNEL).map((m) => JSON.stringify(m.blocks ?? []));
  return requestIds.map((id) => messages.filter((m) => m.includes(id)).length);
}

/** Retries `check` until it passes, failing with `what` and the last error after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
