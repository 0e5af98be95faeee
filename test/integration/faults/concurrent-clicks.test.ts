import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryHandle } from '../../fakes/fake-slack/delivery-handle.js';
import { APPROVER, CHANNEL, type Harness, recordOf } from '../support/bot-harness.js';
import {
  cardFor,
  cards,
  checkAndStop,
  json,
  ORDINARY,
  SECOND_APPROVER,
  startFaultHarness,
  until,
} from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const ROUNDS = 20;
const notes = (clicks: DeliveryHandle[]) => clicks.flatMap((c) => c.responses()).map((r) => JSON.stringify(r.body));

const PAIRS = [
  { who: 'two approvers', users: [APPROVER, SECOND_APPROVER] },
  { who: 'the same approver twice', users: [APPROVER, APPROVER] },
] as const;

describe.each(['socket', 'http'] as const)('simultaneous clicks (%s mode)', (mode) => {
  it.each(PAIRS)('makes one gateway call per request when $who click Approve at once, 20 times', async ({ users }) => {
    h = await startFaultHarness({ mode });
    const harness = h;
    for (let round = 0; round < ROUNDS; round += 1) {
      const name = `race-${mode}-${round}`;
      const requestId = harness.gateway.requestNodePairing({ displayName: name, commands: ORDINARY });
      const card = await cardFor(harness, name);
      const before = harness.gateway.callCount('node.pair.approve');
      const click = (userId: string) =>
        harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId });
      // Both payloads are built and sent in the same tick, before either is acked.
      const clicks = await Promise.all(users.map(click));
      for (const c of clicks) expect(c.acked).toBe(true);
      await until(async () => expect((await recordOf(harness.bot, 'node', requestId))?.status).toBe('approved'));
      await until(() => expect(notes(clicks).filter((n) => /Already handled/.test(n))).toHaveLength(1));
      expect(harness.gateway.callCount('node.pair.approve')).toBe(before + 1);
      await until(() => expect(json(cards(harness).find((m) => m.ts === card.ts))).not.toContain('pairing.approve'));
    }
    await harness.bot.delivery.sync();
    expect(harness.gateway.callCount('node.pair.approve')).toBe(ROUNDS);
    expect(harness.gateway.pendingNodeRequests()).toEqual([]);
    expect(cards(harness)).toHaveLength(ROUNDS);
    for (const card of cards(harness)) expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    const ok = (await harness.bot.storage.audit.list(1_000)).filter(
      (a) => a.action === 'pairing.approve' && a.outcome === 'ok',
    );
    expect(ok).toHaveLength(ROUNDS);
    expect(harness.slack.failures).toEqual([]);
    expect(harness.slack.violations).toEqual([]);
  });

  it('makes one gateway call when Approve and Reject are clicked at once', async () => {
    h = await startFaultHarness({ mode });
    const harness = h;
    for (let round = 0; round < 5; round += 1) {
      const name = `split-${mode}-${round}`;
      const requestId = harness.gateway.requestNodePairing({ displayName: name, commands: ORDINARY });
      const card = await cardFor(harness, name);
      await Promise.all([
        harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER }),
        harness.slack.action({
          channel: CHANNEL,
          messageTs: card.ts,
          actionId: 'pairing.reject',
          userId: SECOND_APPROVER,
        }),
      ]);
      await until(async () =>
        expect((await recordOf(harness.bot, 'node', requestId))?.status).toMatch(/approved|rejected/),
      );
    }
    await harness.bot.delivery.sync();
    expect(harness.gateway.callCount('node.pair.approve') + harness.gateway.callCount('node.pair.reject')).toBe(5);
  });
});
