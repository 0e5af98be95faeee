import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import { CardSync } from '../../../src/slack/delivery/card-sync.js';
import { DeliveryLoop } from '../../../src/slack/delivery/delivery-loop.js';
import { wholeScope } from '../../../src/slack/delivery/delivery-scope.js';
import { SlackCalls } from '../../../src/slack/delivery/slack-calls.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { makeRequest } from './pairing-fixtures.js';

const CHANNEL = 'C0PAIRING';
const log = pino({ level: 'silent' });

interface Post {
  readonly requests: string[];
  readonly text: string;
}

interface Update {
  readonly ts: string;
  /** The fallback text, where a digest counts and names its requests. */
  readonly text: string;
}

/** chat.postMessage as Slack answers it; while `hold()` is on, answers wait until `release()` (a post in flight). */
function createSlack() {
  const posts: Post[] = [];
  const updates: Update[] = [];
  let gate: Promise<void> | undefined;
  let open = () => {};
  let seq = 0;
  const client = {
    chat: {
      postMessage: async (args: { channel: string; text?: string; metadata?: { event_payload?: unknown } }) => {
        const payload = args.metadata?.event_payload as { requests?: string } | undefined;
        posts.push({ requests: (payload?.requests ?? '').split('\n'), text: args.text ?? '' });
        await gate;
        seq += 1;
        return { ok: true, channel: args.channel, ts: `1700000000.${String(seq).padStart(6, '0')}` };
      },
      update: async (args: { ts: string; text?: string }) => {
        updates.push({ ts: args.ts, text: args.text ?? '' });
        return { ok: true };
      },
    },
    conversations: { history: async () => ({ ok: true, messages: [] }) },
  } as unknown as Pick<WebClient, 'chat' | 'conversations'>;
  return {
    client,
    posts,
    updates,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

/** The bot's delivery loop with its card source, over the memory storage and a recording Slack. */
function setup() {
  const storage = createMemoryStorage({ nowMs: () => Date.now() });
  const slack = createSlack();
  const policy = new CommandPolicy({ ordinary: [], allowSystemRun: false });
  const loop: DeliveryLoop = new DeliveryLoop({
    sources: [
      new CardSync({
        slack: new SlackCalls({ client: slack.client, log, canReadHistory: () => false }),
        storage,
        scope: wholeScope(storage),
        channelOf: () => CHANNEL,
        log,
        context: () => ({ nowMs: Date.now(), deciders: { approvers: 1, admins: 1 }, policy }),
        again: () => loop.requestAnotherPass(),
        later: (ms) => loop.scheduleIn(ms),
        nowMs: () => Date.now(),
      }),
    ],
    log,
    nowMs: () => Date.now(),
  });
  /** Stores a new pending request and asks for delivery, as the watcher's `request.seen` does. */
  const arrive = async (n: number) => {
    const request = makeRequest({ requestId: `req-${n}`, subjectId: `node-${n}`, displayName: `node-${n}` });
    await storage.requests.insertPending('default', request, `fp-${n}`, Date.now());
    loop.schedule();
  };
  return { loop, slack, arrive, storage };
}

afterEach(() => vi.useRealTimers());

describe('DeliveryLoop', () => {
  it('posts the first card of a quiet channel without waiting a debounce', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { loop, slack, arrive } = setup();
    await arrive(1);
    // Only what is due now runs: no time passes.
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts).toEqual([{ requests: ['default:node:req-1'], text: expect.any(String) }]);
    expect(await loop.isIdle()).toBe(true);
  });

  it('coalesces the requests that arrive while a pass is in flight into one update right after it', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { loop, slack, arrive } = setup();
    slack.hold();
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts).toHaveLength(1);
    for (let n = 2; n <= 6; n += 1) await arrive(n);
    await vi.advanceTimersByTimeAsync(0);
    // The first card's answer has not come back: nothing else is posted meanwhile.
    expect(slack.posts).toHaveLength(1);
    slack.release();
    await vi.advanceTimersByTimeAsync(0);
    // One pass after it: the first card, still undecided, becomes the digest of all six (no second post).
    expect(slack.posts.map((p) => p.requests)).toEqual([['default:node:req-1']]);
    expect(slack.updates).toEqual([
      { ts: '1700000000.000001', text: '6 pairing requests: node-1, node-2, node-3, node-4, node-5, node-6' },
    ]);
    expect(await loop.isIdle()).toBe(true);
  });

  it('counts the single cards of the last second towards coalescing, and turns the latest into the digest', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive } = setup();
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    await arrive(2);
    await vi.advanceTimersByTimeAsync(100);
    // Two cards, then two more within the second: four in all is a burst. No third message: req-2's card
    // becomes a digest of req-2, req-3 and req-4 (an update, which Slack does not hold to one post a second).
    await arrive(3);
    await arrive(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(slack.posts.map((p) => p.requests)).toEqual([['default:node:req-1'], ['default:node:req-2']]);
    expect(slack.updates).toEqual([{ ts: '1700000000.000002', text: '3 pairing requests: node-2, node-3, node-4' }]);
    // Later requests of the same burst join that digest too.
    await arrive(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(slack.posts).toHaveLength(2);
    expect(slack.updates.at(-1)?.text).toBe('4 pairing requests: node-2, node-3, node-4, node-5');
    // Ten seconds on the channel is quiet again: the next request gets its own card.
    await vi.advanceTimersByTimeAsync(11_000);
    await arrive(6);
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts.at(-1)?.requests).toEqual(['default:node:req-6']);
  });

  it('holds a card that follows a single card closely for a moment: a burst in the making becomes one digest', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive } = setup();
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    // 5 ms later, one more: three in a row would still be cards, but it waits out the 100 ms after the first card.
    await vi.advanceTimersByTimeAsync(5);
    await arrive(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts).toHaveLength(1);
    for (let n = 3; n <= 6; n += 1) await arrive(n);
    await vi.advanceTimersByTimeAsync(94);
    expect(slack.posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    // The hold is over and it is a burst: the first card became the digest of all six, with no second post.
    expect(slack.posts).toHaveLength(1);
    expect(slack.updates.at(-1)?.text).toMatch(/^6 pairing requests: node-1, /);
  });

  it('posts a request that follows a single card alone once the moment has passed', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive } = setup();
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    await arrive(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(slack.posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(slack.posts.map((p) => p.requests)).toEqual([['default:node:req-1'], ['default:node:req-2']]);
  });

  it('leaves a single card that was decided alone: it does not become a digest', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive, storage } = setup();
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    await storage.requests.resolve(
      { gateway: 'default', kind: 'node', requestId: 'req-1' },
      'approved',
      undefined,
      Date.now(),
    );
    for (let n = 2; n <= 5; n += 1) await arrive(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts.map((p) => p.requests.length)).toEqual([1, 4]);
    const firstCard = slack.updates.filter((u) => u.ts === '1700000000.000001');
    expect(firstCard.length).toBeGreaterThan(0); // it shows the decision
    expect(firstCard.every((u) => !u.text.includes('pairing requests'))).toBe(true);
  });

  it('delivers a burst stored in one turn as one digest', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive } = setup();
    for (let n = 1; n <= 5; n += 1) await arrive(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.requests).toHaveLength(5);
  });

  it('waits out a failed pass instead of running the next one at once', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { slack, arrive } = setup();
    const postMessage = slack.client.chat.postMessage;
    let failures = 1;
    slack.client.chat.postMessage = (async (args: never) => {
      if (failures-- > 0) throw new Error('socket hang up');
      return postMessage(args);
    }) as typeof postMessage;
    await arrive(1);
    await vi.advanceTimersByTimeAsync(0);
    await arrive(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(slack.posts).toHaveLength(0);
    // The retry after 1 s delivers both.
    await vi.advanceTimersByTimeAsync(1);
    expect(slack.posts.flatMap((p) => p.requests).sort()).toEqual(['default:node:req-1', 'default:node:req-2']);
  });
});
