import { afterEach, describe, expect, it } from 'vitest';
import { until } from './deny-by-default/support.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, recordOf, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const cardOf = (harness: Harness, requestId: string) =>
  until(() => {
    const card = harness.slack
      .messages(CHANNEL)
      .find((m) => !m.thread_ts && JSON.stringify(m.metadata ?? {}).includes(requestId));
    if (!card) throw new Error('no card yet');
    return card;
  });

describe('reminders', () => {
  it('replies under a card still pending after OPENCLAW_REMIND_AFTER_MS, naming who may decide, at most three times, and never after a decision', async () => {
    h = await startHarness({ env: { OPENCLAW_REMIND_AFTER_MS: '1000' } });
    const waiting = h.gateway.requestNodePairing({ displayName: 'slow-to-decide', commands: ['ollama.models'] });
    const decided = h.gateway.requestNodePairing({ displayName: 'decided-fast', commands: ['ollama.models'] });
    const card = await cardOf(h, waiting);
    const other = await cardOf(h, decided);
    await h.slack.action({ channel: CHANNEL, messageTs: other.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(async () => expect((await recordOf((h as Harness).bot, 'node', decided))?.status).toBe('approved'));
    await until(() => expect(h?.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(3), 10_000);
    const replies = h.slack.threadReplies(CHANNEL, card.ts).map((m) => JSON.stringify(m.blocks));
    expect(replies[0]).toMatch(/reminder 1 of 3/);
    expect(replies[2]).toMatch(/reminder 3 of 3/);
    for (const reply of replies) {
      expect(reply).toContain(`<@${APPROVER}>`);
      expect(reply).toContain(`<@${ADMIN}>`);
    }
    expect((await recordOf(h.bot, 'node', waiting))?.reminders).toBe(3);
    // The decided request got its decision reply only.
    expect(
      h.slack
        .threadReplies(CHANNEL, other.ts)
        .map((m) => JSON.stringify(m.blocks))
        .join(),
    ).not.toMatch(/reminder/);
    expect((await recordOf(h.bot, 'node', decided))?.reminders ?? 0).toBe(0);
    expect(h.slack.violations).toEqual([]);
  });

  it('names only the admins for an admin-sensitive request, and is off with 0', async () => {
    h = await startHarness({ env: { OPENCLAW_REMIND_AFTER_MS: '1000' } });
    const id = h.gateway.requestNodePairing({ displayName: 'shell', commands: ['system.run'] });
    const card = await cardOf(h, id);
    await until(() => expect(h?.slack.threadReplies(CHANNEL, card.ts).length).toBeGreaterThanOrEqual(1), 10_000);
    const first = JSON.stringify(h.slack.threadReplies(CHANNEL, card.ts)[0]?.blocks);
    expect(first).toContain(`<@${ADMIN}>`);
    expect(first).not.toContain(`<@${APPROVER}>`);
    await h.restartBot({ OPENCLAW_REMIND_AFTER_MS: '0' });
    expect(h.bot.gateways.all()[0]?.duties.remindsRequests).toBe(false);
  });
});
