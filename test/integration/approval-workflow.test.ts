/** Issue 16 on the fake gateway and fake Slack: Revoke, `/openclaw remove` on an approved card, time-bound approvals. */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { cardFor, cards, forgedClick, json, until, untilDefined } from './deny-by-default/support.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, recordOf, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ORDINARY = ['ollama.models'];

/** The card with this ts, as Slack holds it now. */
const current = (harness: Harness, ts: string) => cards(harness).find((c) => c.ts === ts) as StoredMessage;

/** The private notes the bot answered a click with. */
const notes = (click: { responses(): { body: unknown }[] }) => click.responses().map((r) => JSON.stringify(r.body));

async function approved(harness: Harness, name: string, actionId = 'pairing.approve'): Promise<StoredMessage> {
  const card = await cardFor(harness, name);
  await harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId, userId: APPROVER });
  await until(() => expect(json(current(harness, card.ts))).toContain('pairing.revoke'));
  return current(harness, card.ts);
}

describe.each(['socket', 'http'] as const)('approval workflow (%s mode)', (mode) => {
  it('revokes an approved node from its card: admins only, after a confirmation, removed on the gateway, card and thread say so, audited', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'lab-box', commands: ORDINARY });
    const card = await approved(h, 'lab-box');
    const nodeId = (await recordOf(h.bot, 'node', requestId))?.request.subjectId ?? '';
    expect(h.gateway.nodes().map((n) => n.nodeId)).toContain(nodeId);
    // The button asks first, naming the node.
    const revoke = (card.blocks as { elements?: { action_id?: string; confirm?: unknown }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'pairing.revoke');
    expect(JSON.stringify(revoke?.confirm)).toContain('lab-box');

    // An approver is not an admin: refused, nothing sent, audited.
    const refused = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.revoke',
      userId: APPROVER,
    });
    await until(() => expect(notes(refused).join()).toMatch(/can't revoke/));
    expect(h.gateway.callCount('node.pair.remove')).toBe(0);

    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.revoke',
      userId: ADMIN,
    });
    expect(click.acked).toBe(true);
    await until(() => expect(h?.gateway.callCount('node.pair.remove')).toBe(1));
    expect(h.gateway.nodes().map((n) => n.nodeId)).not.toContain(nodeId);
    await until(() => expect(notes(click).join()).toMatch(/Revoked: node lab-box was removed/));
    await until(() => {
      const now = json(current(h as Harness, card.ts));
      expect(now).toContain(`Revoked by <@${ADMIN}>`);
      expect(now).not.toContain('pairing.revoke');
    });
    await until(() =>
      expect(h?.slack.threadReplies(CHANNEL, card.ts).map((m) => JSON.stringify(m.blocks))).toEqual([
        expect.stringContaining(`<@${APPROVER}> approved node *lab-box*`),
        expect.stringContaining(`<@${ADMIN}> revoked node *lab-box*`),
      ]),
    );
    expect((await recordOf(h.bot, 'node', requestId))?.status).toBe('removed');
    const audit = await h.bot.storage.audit.list(50);
    expect(audit.filter((a) => a.action === 'remove').map((a) => [a.actor, a.outcome])).toEqual(
      expect.arrayContaining([
        [APPROVER, 'refused'],
        [ADMIN, 'ok'],
      ]),
    );
    // A second click on the old card changes nothing.
    await h.slack.sendAction(
      forgedClick(card, ADMIN, 'pairing.revoke', JSON.stringify({ g: 'default', r: requestId })),
    );
    await until(() => expect(h?.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(2));
    expect(h.gateway.callCount('node.pair.remove')).toBe(1);
    expect(h.slack.violations).toEqual([]);
  });

  it('ends the approved card when the node is removed with /openclaw remove (the same action as Revoke)', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'cli-removed', commands: ORDINARY });
    const card = await approved(h, 'cli-removed');
    const asked = await h.slack.command('remove cli-removed', { user_id: ADMIN, channel_id: CHANNEL });
    expect(JSON.stringify((await asked.nextResponse()).body)).toContain('Remove this node?');
    const prompt = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the confirmation');
    await h.slack.action({ channel: CHANNEL, messageTs: prompt.ts, actionId: 'command.confirm', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.remove')).toBe(1));
    await until(() => expect(json(current(h as Harness, card.ts))).toContain(`Revoked by <@${ADMIN}>`));
    expect((await recordOf(h.bot, 'node', requestId))?.approval?.ended?.how).toBe('revoked');
  });
});

describe('time-bound approvals', () => {
  it('approves for a chosen time, says until when, removes the node when it is up (also across a restart), and an admin can extend or make it permanent', async () => {
    h = await startHarness({ env: { OPENCLAW_APPROVAL_DURATIONS: '10s,8h' }, expiryCheckMs: 100 });
    const shortId = h.gateway.requestNodePairing({ displayName: 'short-lived', commands: ORDINARY });
    const pending = await cardFor(h, 'short-lived');
    expect(json(pending)).toContain('Approve for 10s');
    expect(json(pending)).toContain('Approve for 8h');
    const card = await approved(h, 'short-lived', 'pairing.approve_for.10s');
    const record = await recordOf(h.bot, 'node', shortId);
    const until10s = record?.approval?.untilMs ?? 0;
    expect(until10s - (record?.resolvedAtMs ?? 0)).toBe(10_000);
    expect(json(card)).toContain(`<!date^${Math.floor(until10s / 1000)}^`);
    expect(json(card)).toContain('Approved until');
    await until(() =>
      expect(JSON.stringify(h?.slack.threadReplies(CHANNEL, card.ts)[0]?.blocks)).toContain(' until <!date^'),
    );

    // A second node, approved for 8 hours: an approver may not extend it, an admin may, then makes it permanent.
    const longId = h.gateway.requestNodePairing({ displayName: 'long-lived', commands: ORDINARY });
    const long = await approved(h, 'long-lived', 'pairing.approve_for.8h');
    const before = (await recordOf(h.bot, 'node', longId))?.approval?.untilMs ?? 0;
    const denied = await h.slack.action({
      channel: CHANNEL,
      messageTs: long.ts,
      actionId: 'pairing.extend.8h',
      userId: APPROVER,
    });
    await until(() => expect(notes(denied).join()).toMatch(/only OPENCLAW_ADMINS/));
    await h.slack.action({ channel: CHANNEL, messageTs: long.ts, actionId: 'pairing.extend.8h', userId: ADMIN });
    await until(async () =>
      expect((await recordOf((h as Harness).bot, 'node', longId))?.approval?.untilMs).toBe(before + 8 * 3_600_000),
    );
    await until(() =>
      expect(json(current(h as Harness, long.ts))).toContain(`<!date^${Math.floor((before + 8 * 3_600_000) / 1000)}^`),
    );
    await h.slack.action({
      channel: CHANNEL,
      messageTs: current(h, long.ts).ts,
      actionId: 'pairing.permanent',
      userId: ADMIN,
    });
    await until(async () =>
      expect((await recordOf((h as Harness).bot, 'node', longId))?.approval?.untilMs).toBeUndefined(),
    );
    await until(() => expect(json(current(h as Harness, long.ts))).not.toContain('Approved until'));

    // The bot is down when the 10 s are up: the deadline is stored, so the restarted bot removes the node.
    await h.restartBot(undefined, async () => {
      expect(h?.gateway.callCount('node.pair.remove')).toBe(0);
      await until(() => expect(Date.now()).toBeGreaterThan(until10s), 15_000);
    });
    await until(() => expect(h?.gateway.callCount('node.pair.remove')).toBe(1), 10_000);
    const nodeId = (await recordOf(h.bot, 'node', shortId))?.request.subjectId;
    expect(h.gateway.nodes().map((n) => n.nodeId)).not.toContain(nodeId);
    await until(() => expect(json(current(h as Harness, card.ts))).toContain('The time-bound approval ended'));
    await until(() =>
      expect(JSON.stringify(h?.slack.threadReplies(CHANNEL, card.ts).at(-1)?.blocks)).toContain(
        'time-bound approval of node *short-lived*',
      ),
    );
    // The permanent one stays.
    expect((await recordOf(h.bot, 'node', longId))?.status).toBe('approved');
    const audit = await h.bot.storage.audit.list(100);
    // One try, once the gateway session was up again: no failed rows for the time it was not.
    expect(audit.filter((a) => a.action === 'remove.expired').map((a) => [a.actor, a.outcome])).toEqual([
      ['openclaw-slack-ops', 'ok'],
    ]);
    expect(audit.find((a) => a.action === 'remove.expired')).toMatchObject({
      actor: 'openclaw-slack-ops',
      outcome: 'ok',
    });
    expect(audit.filter((a) => a.action === 'approval.extend').map((a) => a.outcome)).toEqual(['refused', 'ok']);
    expect(audit.find((a) => a.action === 'pairing.approve' && a.requestId === shortId)?.params).toMatchObject({
      durationMs: 10_000,
    });
    expect(h.slack.violations).toEqual([]);
  }, 40_000);

  it('refuses an approval time the bot does not offer (a forged or outdated button)', async () => {
    h = await startHarness({ env: { OPENCLAW_APPROVAL_DURATIONS: '30m' } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'forged-time', commands: ORDINARY });
    const card = await cardFor(h, 'forged-time');
    const record = await recordOf(h.bot, 'node', requestId);
    const value = JSON.stringify({
      g: 'default',
      k: 'node',
      r: requestId,
      f: record?.fingerprint,
      d: 365 * 86_400_000,
    });
    const click = await h.slack.sendAction(forgedClick(card, APPROVER, 'pairing.approve_for.30m', value));
    await until(() => expect(notes(click).join()).toMatch(/approval time is not one this bot offers/));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    expect((await recordOf(h.bot, 'node', requestId))?.status).toBe('pending');
  });
});

describe('receipts', () => {
  it('replies under the card once the approved node is seen with its commands: when, how many, which sensitive ones', async () => {
    h = await startHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'false' } });
    const requestId = h.gateway.requestNodePairing({
      displayName: 'receipt-box',
      commands: ['ollama.models', 'system.which'],
    });
    const card = await cardFor(h, 'receipt-box');
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    // Connected already while it asked: the decision's own reply says it is in effect (one post, not two).
    const thread = () => (h?.slack.threadReplies(CHANNEL, card.ts) ?? []).map((m) => JSON.stringify(m.blocks));
    await until(() => expect(thread()).toHaveLength(1));
    const [reply] = thread();
    expect(reply).toContain(`<@${ADMIN}> approved node *receipt-box*`);
    expect(reply).toContain('is in effect');
    expect(reply).toContain('with 2 commands');
    expect(reply).toContain('`system.which` active');
    expect((await recordOf(h.bot, 'node', requestId))?.approval?.receipt).toMatchObject({
      how: 'connected',
      commands: 2,
    });
    // Once: more fleet changes post nothing more.
    h.gateway.setNodeConnected((await recordOf(h.bot, 'node', requestId))?.request.subjectId ?? '', false);
    h.gateway.setNodeConnected((await recordOf(h.bot, 'node', requestId))?.request.subjectId ?? '', true);
    await h.bot.gateways.get('default')?.duties.receiptsIdle();
    await h.bot.delivery.sync();
    expect(thread()).toHaveLength(1);
    expect((await recordOf(h.bot, 'node', requestId))?.approval?.receipt?.inReply).toBe(true);
    expect(h.slack.violations).toEqual([]);
  });
});

describe('what changed', () => {
  it('shows a widening request as a diff against what was approved, and the audit of its approval keeps it', async () => {
    h = await startHarness();
    const nodeId = 'node-widens';
    h.gateway.requestNodePairing({ nodeId, displayName: 'widens', commands: ['ollama.models'] });
    await approved(h, 'widens');
    const wider = h.gateway.requestNodePairing({
      nodeId,
      displayName: 'widens',
      commands: ['ollama.models', 'system.which'],
    });
    // Right after an approval the bot may still be reading what the node was approved for: the card catches up.
    const card = await until(() => {
      const c = cards(h as Harness).find(
        (m) => json(m).includes(wider) && json(m).includes('*New commands* (1): `system.which`'),
      );
      if (!c) throw new Error('no diff card for the wider request yet');
      return c;
    });
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    await until(async () => expect((await recordOf((h as Harness).bot, 'node', wider))?.status).toBe('approved'));
    const row = (await h.bot.storage.audit.list(50)).find((a) => a.requestId === wider && a.outcome === 'ok');
    expect(row?.params).toMatchObject({
      changes: { addedCommands: ['system.which'], removedCommands: [], addedCaps: [], removedCaps: [] },
    });
  });
});
