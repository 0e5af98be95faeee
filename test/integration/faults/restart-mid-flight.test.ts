import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../fakes/fake-slack/types.js';
import { APPROVER, CHANNEL, type Harness, recordOf } from '../support/bot-harness.js';
import { cardFor, cards, checkAndStop, json, ORDINARY, startFaultHarness, until } from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const HOLD_MS = 60_000;

/** Waits until the card at `ts` shows an approval and no buttons, and returns it. */
async function approvedCard(harness: Harness, ts: string): Promise<StoredMessage> {
  return until(() => {
    const card = cards(harness).find((m) => m.ts === ts);
    expect(json(card)).not.toContain('pairing.approve');
    expect(json(card)).not.toContain('pairing.reject');
    expect(`${card?.text} ${json(card)}`).toMatch(/[Aa]pproved/);
    return card as StoredMessage;
  }, 10_000);
}

/** What the gateway, the store and Slack must agree on after one approval, however many calls it took. */
async function expectApprovedOnce(harness: Harness, requestId: string, nodeId: string, cardTs: string) {
  const card = await approvedCard(harness, cardTs);
  expect(harness.gateway.pendingNodeRequests()).toHaveLength(0);
  expect(harness.gateway.nodes().find((n) => n.nodeId === nodeId)?.approvalState).toBe('approved');
  // A second approve of a resolved request is answered "unknown requestId" by the gateway: it cannot double-apply,
  // so the bot may have sent at most one retry.
  expect(harness.gateway.callCount('node.pair.approve')).toBeGreaterThanOrEqual(1);
  expect(harness.gateway.callCount('node.pair.approve')).toBeLessThanOrEqual(2);
  expect((await recordOf(harness.bot, 'node', requestId))?.status).toBe('approved');
  expect(await harness.bot.storage.claims.list()).toEqual([]);
  await harness.bot.delivery.sync();
  expect(cards(harness)).toHaveLength(1);
  expect(harness.slack.threadReplies(CHANNEL, cardTs).length).toBeLessThanOrEqual(1);
  expect(`${card.text} ${json(card)}`).not.toMatch(/could not be reached|Not applied|client stopped/);
  return card;
}

describe('bot restart mid-decision', () => {
  it('applies an approval exactly once when the bot restarts after the gateway received it but before it answered', async () => {
    h = await startFaultHarness();
    const requestId = h.gateway.requestNodePairing({ displayName: 'midflight-sent', commands: ORDINARY });
    const nodeId = h.gateway.pendingNodeRequests()[0]?.nodeId ?? '';
    const card = await cardFor(h, 'midflight-sent');
    h.gateway.delayResponses((method) => (method === 'node.pair.approve' ? HOLD_MS : 0));
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(click.acked).toBe(true);
    await h.gateway.waitForRequest('node.pair.approve', { timeoutMs: 5_000 });
    expect(await h.bot.storage.claims.list()).toHaveLength(1);

    h.gateway.delayResponses(0);
    await h.restartBot();
    await expectApprovedOnce(h, requestId, nodeId, card.ts);
  });

  it('credits the approver on the card after such a restart, not "outside Slack"', async () => {
    h = await startFaultHarness();
    h.gateway.requestNodePairing({ displayName: 'midflight-credit', commands: ORDINARY });
    const card = await cardFor(h, 'midflight-credit');
    h.gateway.delayResponses((method) => (method === 'node.pair.approve' ? HOLD_MS : 0));
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await h.gateway.waitForRequest('node.pair.approve', { timeoutMs: 5_000 });
    h.gateway.delayResponses(0);
    await h.restartBot();
    const updated = await approvedCard(h, card.ts);
    expect(json(updated)).toContain(`<@${APPROVER}>`);
    expect(json(updated)).not.toMatch(/outside Slack/);
  });

  it('does not lose an approval when the bot restarts after claiming it but before calling the gateway', async () => {
    h = await startFaultHarness();
    const requestId = h.gateway.requestNodePairing({ displayName: 'midflight-claimed', commands: ORDINARY });
    const nodeId = h.gateway.pendingNodeRequests()[0]?.nodeId ?? '';
    const card = await cardFor(h, 'midflight-claimed');
    const since = h.gateway.received.length;
    // The decider re-reads the pending list before approving; holding that answer parks it right after the claim.
    h.gateway.delayResponses((method) => (method === 'node.pair.list' ? HOLD_MS : 0));
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(click.acked).toBe(true);
    await h.gateway.waitForRequest('node.pair.list', { since, timeoutMs: 5_000 });
    await until(async () => expect(await (h as Harness).bot.storage.claims.list()).toHaveLength(1));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);

    h.gateway.delayResponses(0);
    await h.restartBot();
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1), 10_000);
    await expectApprovedOnce(h, requestId, nodeId, card.ts);
  });
});
