import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { ResponseDelivery } from '../../fakes/fake-slack/types.js';
import { APPROVER, CHANNEL, type Harness, recordOf, STRANGER } from '../support/bot-harness.js';
import {
  cardFor,
  cards,
  cardsFor,
  checkAndStop,
  json,
  ORDINARY,
  startFaultHarness,
  until,
} from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

interface SlackFault {
  readonly name: string;
  /** Queues the fault on a Web API method or `response_url`. */
  readonly inject: (slack: FakeSlack, target: string) => void;
}

const FAULTS: readonly SlackFault[] = [
  { name: '429 with Retry-After', inject: (s, t) => s.failNext(t, { status: 429, retryAfterSec: 1 }) },
  { name: 'a 500', inject: (s, t) => s.failNext(t, { status: 500 }) },
  { name: 'a 503', inject: (s, t) => s.failNext(t, { status: 503 }) },
  { name: 'a dropped connection', inject: (s, t) => s.dropNext(t) },
];

const delivered = (responses: ResponseDelivery[]) => responses.filter((r) => r.httpStatus === 200);
const okCalls = (harness: Harness, method: string) =>
  harness.slack.calls(method).filter((c) => c.response?.ok === true);

describe.each(FAULTS)('Slack fault: $name', ({ inject }) => {
  it('posts every new card once Slack recovers, and none twice', async () => {
    h = await startFaultHarness();
    const harness = h;
    inject(harness.slack, 'chat.postMessage');
    const ids = ['first', 'second', 'third'].map((n) =>
      harness.gateway.requestNodePairing({ displayName: `post-${n}`, commands: ORDINARY }),
    );
    await until(() => {
      for (const id of ids) expect(cardsFor(harness, id)).toHaveLength(1);
    }, 10_000);
    await harness.bot.delivery.sync();
    expect(await harness.bot.delivery.isIdle()).toBe(true);
    for (const id of ids) expect(cardsFor(harness, id)).toHaveLength(1);
    expect(cards(harness)).toHaveLength(3);
    expect(okCalls(harness, 'chat.postMessage')).toHaveLength(3);
    expect(harness.slack.calls('chat.postMessage').length).toBeGreaterThan(3);
    expect(harness.slack.violations).toEqual([]);
  });

  it('updates the card and posts one thread reply after a click once chat.update recovers', async () => {
    h = await startFaultHarness();
    const harness = h;
    const requestId = harness.gateway.requestNodePairing({ displayName: 'update-me', commands: ORDINARY });
    const card = await cardFor(harness, 'update-me');
    inject(harness.slack, 'chat.update');
    const click = await harness.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(click.acked).toBe(true);
    await until(() => {
      const current = cards(harness).find((m) => m.ts === card.ts);
      expect(json(current)).not.toContain('pairing.approve');
      expect(json(current)).toContain(`<@${APPROVER}>`);
    }, 10_000);
    await until(() => expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1), 10_000);
    await harness.bot.delivery.sync();
    expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    expect(cards(harness)).toHaveLength(1);
    expect((await recordOf(harness.bot, 'node', requestId))?.status).toBe('approved');
    expect(harness.gateway.callCount('node.pair.approve')).toBe(1);
    expect(harness.slack.calls('chat.update').length).toBeGreaterThan(okCalls(harness, 'chat.update').length);
  });

  it('posts the decision reply in the thread once after chat.postMessage recovers', async () => {
    h = await startFaultHarness();
    const harness = h;
    harness.gateway.requestNodePairing({ displayName: 'reply-me', commands: ORDINARY });
    const card = await cardFor(harness, 'reply-me');
    inject(harness.slack, 'chat.postMessage');
    await harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.reject', userId: APPROVER });
    await until(() => expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1), 10_000);
    await harness.bot.delivery.sync();
    expect(await harness.bot.delivery.isIdle()).toBe(true);
    expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    expect(cards(harness)).toHaveLength(1);
    expect(harness.gateway.callCount('node.pair.reject')).toBe(1);
  });

  it('delivers a slash command answer once through a failing response_url', async () => {
    h = await startFaultHarness();
    h.gateway.addNode({ displayName: 'answer-node', commands: ORDINARY, approved: true, connected: true });
    inject(h.slack, 'response_url');
    const handle = await h.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
    expect(handle.acked).toBe(true);
    const harness = h;
    await until(() => expect(delivered(handle.responses())).toHaveLength(1), 10_000);
    expect(JSON.stringify(delivered(handle.responses())[0]?.body)).toContain('answer-node');
    // Every answer leaves the bot once: the fake applies nothing for a failed or dropped POST.
    await harness.bot.delivery.sync();
    expect(handle.responses()).toHaveLength(1);
    expect(h.slack.ephemerals({ user: STRANGER })).toHaveLength(1);
  });

  it('delivers the private note to a refused clicker once through a failing response_url', async () => {
    h = await startFaultHarness();
    const harness = h;
    harness.gateway.requestNodePairing({ displayName: 'note-me', commands: ORDINARY });
    const card = await cardFor(harness, 'note-me');
    inject(harness.slack, 'response_url');
    const click = await harness.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: STRANGER,
    });
    expect(click.acked).toBe(true);
    // respondReliably-style retries (0.5 s, 1 s, 2 s) would be done well within 6 s.
    await until(() => expect(delivered(click.responses())).toHaveLength(1), 6_000);
    expect(JSON.stringify(delivered(click.responses())[0]?.body)).toMatch(/can't decide/);
    expect(harness.gateway.callCount('node.pair.approve')).toBe(0);
  });
});

describe('Slack retries', () => {
  it('keeps retrying a card through consecutive 500s and posts it once', async () => {
    h = await startFaultHarness();
    const harness = h;
    harness.slack.failNext('chat.postMessage', { status: 500, times: 2 });
    const requestId = harness.gateway.requestNodePairing({ displayName: 'stubborn', commands: ORDINARY });
    await until(() => expect(cardsFor(harness, requestId)).toHaveLength(1), 10_000);
    await harness.bot.delivery.sync();
    expect(cardsFor(harness, requestId)).toHaveLength(1);
    expect(harness.slack.calls('chat.postMessage').map((c) => c.httpStatus)).toEqual([500, 500, 200]);
  });

  it('waits at least Retry-After before posting a card again', async () => {
    h = await startFaultHarness();
    const harness = h;
    harness.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 2 });
    const requestId = harness.gateway.requestNodePairing({ displayName: 'patient', commands: ORDINARY });
    await until(() => expect(cardsFor(harness, requestId)).toHaveLength(1), 10_000);
    const [limited, retried] = harness.slack.calls('chat.postMessage');
    expect(limited?.httpStatus).toBe(429);
    expect(harness.slack.count429('chat.postMessage')).toBe(1);
    expect((retried?.atMs ?? 0) - (limited?.atMs ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it('waits at least Retry-After before answering through a rate-limited response_url again', async () => {
    h = await startFaultHarness();
    h.slack.failNext('response_url', { status: 429, retryAfterSec: 2 });
    const handle = await h.slack.command('help', { user_id: STRANGER, channel_id: CHANNEL });
    const ackedAt = Date.now();
    const answer = await handle.nextResponse({ timeoutMs: 10_000 });
    expect(answer.httpStatus).toBe(200);
    expect(h.slack.count429('response_url')).toBe(1);
    expect(answer.atMs - ackedAt).toBeGreaterThanOrEqual(2_000);
  });
});
