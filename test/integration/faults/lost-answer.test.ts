import { afterEach, describe, expect, it } from 'vitest';
import { APPROVER, CHANNEL, MANIFEST_SCOPES } from '../support/bot-harness.js';
import { cardFor, cards, cardsFor, checkAndStop, ORDINARY, until } from './support/fault-kit.js';
import { type ProxiedHarness, startProxiedHarness } from './support/proxied-harness.js';

let h: ProxiedHarness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

// Slack acted on the call (the message exists) but the bot never saw the answer: a retry must not post it again.
// FakeSlack.dropNext cannot show this (it drops before storing anything), hence the proxy. The publisher tags its
// posts with message metadata and reads the channel back before posting again (src/slack/posted-check.ts).
describe('chat.postMessage whose answer is lost after Slack posted it', () => {
  it('leaves exactly one card per request', async () => {
    h = await startProxiedHarness();
    const harness = h;
    harness.proxy.loseAnswerOfNext('chat.postMessage');
    const requestId = harness.gateway.requestNodePairing({ displayName: 'lost-answer', commands: ORDINARY });
    await until(() => expect(harness.proxy.lost).toEqual(['chat.postMessage']));
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true), 10_000);
    await harness.bot.delivery.sync();
    expect(cardsFor(harness, requestId)).toHaveLength(1);
    expect(cards(harness)).toHaveLength(1);
  });

  it('leaves exactly one decision reply in the thread', async () => {
    h = await startProxiedHarness();
    const harness = h;
    harness.gateway.requestNodePairing({ displayName: 'lost-reply', commands: ORDINARY });
    const card = await cardFor(harness, 'lost-reply');
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true));
    harness.proxy.loseAnswerOfNext('chat.postMessage');
    await harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(harness.proxy.lost).toEqual(['chat.postMessage']));
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true), 10_000);
    await harness.bot.delivery.sync();
    expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
  });
});

// The manifest's default scopes leave channels:history/groups:history out (least privilege). Then the bot cannot look a
// lost post up: it posts again (a possible duplicate, logged) and, above all, one lost post blocks nothing else.
describe('a lost chat.postMessage answer without the history scopes', () => {
  it('posts the card again without reading the channel, and later cards are not held up', async () => {
    h = await startProxiedHarness(MANIFEST_SCOPES);
    const harness = h;
    harness.proxy.loseAnswerOfNext('chat.postMessage');
    const first = harness.gateway.requestNodePairing({ displayName: 'lost-no-history', commands: ORDINARY });
    await until(() => expect(harness.proxy.lost).toEqual(['chat.postMessage']));
    const second = harness.gateway.requestNodePairing({ displayName: 'after-the-loss', commands: ORDINARY });
    await until(() => expect(cardsFor(harness, second)).toHaveLength(1), 10_000);
    await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true), 10_000);
    // Slack kept the first post and the retry made a second one: the duplicate this mode accepts.
    expect(cardsFor(harness, first)).toHaveLength(2);
    expect(harness.slack.calls('conversations.history')).toHaveLength(0);
    expect(harness.slack.calls().filter((c) => c.response?.error === 'missing_scope')).toEqual([]);
    expect(harness.logs.text).toContain('a duplicate card or reply is possible');
  });
});
