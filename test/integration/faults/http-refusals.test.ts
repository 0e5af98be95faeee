import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryHandle } from '../../fakes/fake-slack/delivery-handle.js';
import type { SignatureMode, StoredMessage } from '../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, TEAM } from '../support/bot-harness.js';
import { cardFor, checkAndStop, ORDINARY, startFaultHarness, until } from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const OTHER_TEAM = 'T0OTHERTEAM';
const BAD_SIGNATURES: readonly SignatureMode[] = ['missing', 'wrong', 'stale'];

/** What any effect of a refused request would change: gateway calls, Slack calls and posts, responses, audit. */
async function snapshot(harness: Harness) {
  return {
    // node.list is the fleet model's own re-read after the pairing request (debounced), whatever else happens.
    gatewayCalls: harness.gateway.received.filter((r) => r.method !== 'connect' && r.method !== 'node.list').length,
    slackCalls: harness.slack.calls().length,
    messages: harness.slack.messages(CHANNEL).map((m) => `${m.ts}:${m.text}:${JSON.stringify(m.blocks)}`),
    ephemerals: harness.slack.ephemerals().length,
    responses: harness.slack.responses().length,
    audit: (await harness.bot.storage.audit.list(1_000)).length,
    pending: harness.gateway.pendingNodeRequests().length,
  };
}

/** A pending request with its card, plus a node to rename, so that an accepted request would have something to do. */
async function arrange(harness: Harness): Promise<{ requestId: string; card: StoredMessage }> {
  harness.gateway.addNode({ displayName: 'victim', commands: ORDINARY, approved: true, connected: true });
  const requestId = harness.gateway.requestNodePairing({ displayName: 'guarded', commands: ORDINARY });
  const card = await cardFor(harness, 'guarded');
  await until(async () => expect(await harness.bot.delivery.isIdle()).toBe(true));
  return { requestId, card };
}

/** Proves the same requests do act when properly signed and from the right team (so the refusals are meaningful). */
async function expectAcceptedWhenValid(harness: Harness, requestId: string): Promise<void> {
  const handle = await harness.slack.sendCommand(
    { text: `reject ${requestId}`, user_id: APPROVER, channel_id: CHANNEL },
    { url: harness.eventsUrl },
  );
  expect(handle.status).toBe(200);
  await until(() => expect(harness.gateway.callCount('node.pair.reject')).toBe(1));
}

describe('HTTP mode request verification', () => {
  it('answers 401 to commands and clicks with a missing, wrong or stale signature, and does nothing', async () => {
    h = await startFaultHarness({ mode: 'http' });
    const harness = h;
    const { requestId, card } = await arrange(harness);
    const before = await snapshot(harness);
    const handles: DeliveryHandle[] = [];
    for (const signature of BAD_SIGNATURES) {
      const target = { url: harness.eventsUrl };
      for (const [text, user] of [
        [`reject ${requestId}`, APPROVER],
        ['rename victim pwned', APPROVER],
        ['nodes', ADMIN],
      ] as const) {
        handles.push(
          await harness.slack.sendCommand({ text, user_id: user, channel_id: CHANNEL }, target, { signature }),
        );
      }
      handles.push(
        await harness.slack.action(
          { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER },
          target,
          { signature },
        ),
      );
    }
    for (const handle of handles) {
      expect(handle.status).toBe(401);
      expect(handle.acked).toBe(false);
      expect(handle.responses()).toEqual([]);
    }
    await harness.bot.delivery.sync();
    expect(await snapshot(harness)).toEqual(before);
    expect(harness.gateway.nodes().some((n) => n.displayName === 'pwned')).toBe(false);
    await expectAcceptedWhenValid(harness, requestId);
  });

  it("ignores another team's command and another team's click: no gateway call, no post, no audit", async () => {
    h = await startFaultHarness({ mode: 'http' });
    const harness = h;
    const { requestId, card } = await arrange(harness);
    const button = (card.blocks ?? [])
      .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as Record<string, unknown>[]) : []))
      .find((e) => e.action_id === 'pairing.approve');
    expect(typeof button?.value).toBe('string');
    const before = await snapshot(harness);
    const target = { url: harness.eventsUrl };
    const foreignClick = {
      type: 'block_actions',
      user: { id: APPROVER, username: 'mallory', name: 'mallory', team_id: OTHER_TEAM },
      api_app_id: 'A0FAKEAPP',
      token: 'fake-deprecated-verification-token',
      container: { type: 'message', message_ts: card.ts, channel_id: CHANNEL, is_ephemeral: false },
      team: { id: OTHER_TEAM, domain: 'elsewhere' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: CHANNEL, name: 'pairing' },
      message: { type: 'message', user: card.user, ts: card.ts, text: card.text, blocks: card.blocks ?? [] },
      state: { values: {} },
      actions: [
        {
          type: 'button',
          action_id: 'pairing.approve',
          block_id: 'actions',
          value: button?.value,
          text: { type: 'plain_text', text: 'Approve' },
          action_ts: '1.000001',
        },
      ],
    };
    // Bolt answers an unacknowledged request only after its 3 s timeout, so the four run side by side.
    const handles = await Promise.all([
      harness.slack.sendCommand(
        { text: `approve ${requestId}`, user_id: APPROVER, channel_id: CHANNEL, team_id: OTHER_TEAM },
        target,
      ),
      harness.slack.sendCommand(
        { text: 'rename victim pwned', user_id: APPROVER, channel_id: CHANNEL, team_id: OTHER_TEAM },
        target,
      ),
      harness.slack.sendCommand({ text: 'nodes', user_id: ADMIN, channel_id: CHANNEL, team_id: OTHER_TEAM }, target),
      harness.slack.sendAction(foreignClick, target),
    ]);
    for (const handle of handles) expect(handle.responses()).toEqual([]);
    await harness.bot.delivery.sync();
    expect(await snapshot(harness)).toEqual(before);
    expect(harness.gateway.nodes().some((n) => n.displayName === 'pwned')).toBe(false);
    expect(harness.logs.text).toContain('refused a Slack request from another workspace');
    // The same click from our own team does act.
    const ours = await harness.slack.sendAction(
      { ...foreignClick, user: { ...foreignClick.user, team_id: TEAM }, team: { id: TEAM, domain: 'fake' } },
      target,
    );
    expect(ours.status).toBe(200);
    await until(() => expect(harness.gateway.callCount('node.pair.approve')).toBe(1));
  });
});
