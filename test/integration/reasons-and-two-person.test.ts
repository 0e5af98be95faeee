/** Issue 16 on the fakes: OPENCLAW_REQUIRE_REASON (the modal round trip) and OPENCLAW_TWO_PERSON. */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { cardFor, cards, json, newestView, until } from './deny-by-default/support.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, recordOf, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ORDINARY = ['ollama.models'];
const SECOND = 'U0SECOND01';
const current = (harness: Harness, ts: string) => cards(harness).find((c) => c.ts === ts) as StoredMessage;
const notes = (click: { responses(): { body: unknown }[] }) => click.responses().map((r) => JSON.stringify(r.body));

describe.each(['socket', 'http'] as const)('reasons (%s mode)', (mode) => {
  it('asks why in a modal before deciding; the reason shows on the card, in the thread and in the audit; Cancel decides nothing', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_REQUIRE_REASON: 'all' } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'why-box', commands: ORDINARY });
    const card = await cardFor(h, 'why-box');

    // Cancel: the modal closes, nothing is decided.
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    const first = await newestView(h);
    expect(JSON.stringify(first.blocks)).toContain('why-box');
    await h.slack.closeView(first.id, APPROVER);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    expect((await recordOf(h.bot, 'node', requestId))?.status).toBe('pending');

    // An empty reason is refused by the client; only spaces come back as an error and the modal stays open.
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    const modal = await until(async () => {
      const v = await newestView(h as Harness);
      expect(v.id).not.toBe(first.id);
      return v;
    });
    await expect(
      h.slack.submitView({ viewId: modal.id, userId: APPROVER, values: { reason: { reason: '' } } }),
    ).rejects.toThrow(/required input reason is empty|refuses/);
    const blank = await h.slack.submitView({
      viewId: modal.id,
      userId: APPROVER,
      values: { reason: { reason: '     ' } },
    });
    expect(blank.ackBody).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect(h.slack.view(modal.id)).toBeDefined();
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);

    const typed = 'new GPU box for the <!channel> CI team, OPS-42';
    const done = await h.slack.submitView({
      viewId: modal.id,
      userId: APPROVER,
      values: { reason: { reason: typed } },
    });
    expect(done.acked).toBe(true);
    expect(h.slack.view(modal.id)).toBeUndefined();
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    await until(() => expect(json(current(h as Harness, card.ts))).toContain('OPS-42'));
    const shown = json(current(h, card.ts));
    expect(shown).not.toContain('<!channel>');
    await until(() => expect(JSON.stringify(h?.slack.threadReplies(CHANNEL, card.ts)[0]?.blocks)).toContain('Reason:'));
    expect((await recordOf(h.bot, 'node', requestId))?.resolvedBy).toMatchObject({ userId: APPROVER, reason: typed });
    const row = (await h.bot.storage.audit.list(20)).find((a) => a.action === 'pairing.approve' && a.outcome === 'ok');
    expect(row?.params).toMatchObject({ reason: typed });
    // The clicker was answered under the message they clicked (no note needed: the card says it).
    expect(notes(click).join()).not.toMatch(/Nothing was sent/);
    expect(h.slack.violations).toEqual([]);
  });

  it('covers only admin-sensitive requests with admin, and refuses /openclaw reject without a reason', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_REQUIRE_REASON: 'admin' } });
    h.gateway.requestNodePairing({ displayName: 'harmless', commands: ORDINARY });
    const harmless = await cardFor(h, 'harmless');
    await h.slack.action({ channel: CHANNEL, messageTs: harmless.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    const shellId = h.gateway.requestNodePairing({ displayName: 'shell', commands: ['system.run'] });
    await cardFor(h, 'shell');
    const asked = await h.slack.command(`reject ${shellId}`, { user_id: ADMIN, channel_id: CHANNEL });
    expect(JSON.stringify((await asked.nextResponse()).body)).toMatch(/needs a reason/);
    expect(h.gateway.callCount('node.pair.reject')).toBe(0);
  });
});

describe.each(['socket', 'http'] as const)('two-person rule (%s mode)', (mode) => {
  it('records the first approval, refuses the same person twice, and calls the gateway only on a second person', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_TWO_PERSON: 'all', OPENCLAW_APPROVERS: `${APPROVER},${SECOND}` } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'two-keys', commands: ORDINARY });
    const card = await cardFor(h, 'two-keys');
    const one = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    await until(() => expect(notes(one).join()).toMatch(/1 of 2/));
    await until(() => expect(json(current(h as Harness, card.ts))).toContain('1 of 2 approvals'));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    const again = await h.slack.action({
      channel: CHANNEL,
      messageTs: current(h, card.ts).ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    await until(() => expect(notes(again).join()).toMatch(/You approved this already/));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: SECOND });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    await until(() =>
      expect(json(current(h as Harness, card.ts))).toContain(`Approved by <@${APPROVER}> and <@${SECOND}>`),
    );
    expect((await recordOf(h.bot, 'node', requestId))?.status).toBe('approved');
    const audit = await h.bot.storage.audit.list(20);
    expect(audit.map((a) => [a.action, a.actor, a.outcome])).toEqual(
      expect.arrayContaining([
        ['pairing.approve.first', APPROVER, 'ok'],
        ['pairing.approve', APPROVER, 'already'],
        ['pairing.approve', SECOND, 'ok'],
      ]),
    );
  });

  it('lets the first approver withdraw, lets anyone of the tier reject, and starts over when the request changes', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_TWO_PERSON: 'all', OPENCLAW_APPROVERS: `${APPROVER},${SECOND}` } });
    h.gateway.requestNodePairing({ displayName: 'withdrawn', commands: ORDINARY });
    const card = await cardFor(h, 'withdrawn');
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(json(current(h as Harness, card.ts))).toContain('pairing.withdraw'));
    const notMine = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.withdraw',
      userId: SECOND,
    });
    await until(() => expect(notes(notMine).join()).toMatch(/Nothing withdrawn/));
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.withdraw', userId: APPROVER });
    await until(() => expect(json(current(h as Harness, card.ts))).not.toContain('1 of 2'));
    // After the withdrawal a single approval is again only the first.
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: SECOND });
    await until(() => expect(json(current(h as Harness, card.ts))).toContain(`<@${SECOND}> approved at`));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.reject', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.reject')).toBe(1));

    // A request that changes between the two approvals starts over: the second click is only a first one.
    const nodeId = 'node-changes';
    h.gateway.requestNodePairing({ nodeId, displayName: 'changes', commands: ORDINARY });
    const before = await cardFor(h, 'changes');
    await h.slack.action({ channel: CHANNEL, messageTs: before.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(json(current(h as Harness, before.ts))).toContain('1 of 2'));
    h.gateway.requestNodePairing({ nodeId, displayName: 'changes', commands: [...ORDINARY, 'ollama.pull'] });
    const after = await until(() => {
      const c = cards(h as Harness).find((m) => m.ts !== before.ts && json(m).includes('ollama.pull'));
      if (!c) throw new Error('no new card yet');
      return c;
    });
    expect(json(after)).not.toContain('1 of 2');
    // ollama.pull is not on the harmless list: the admin decides it, and theirs is only the first approval.
    await h.slack.action({ channel: CHANNEL, messageTs: after.ts, actionId: 'pairing.approve', userId: ADMIN });
    await until(() => expect(json(current(h as Harness, after.ts))).toContain(`1 of 2 approvals: <@${ADMIN}>`));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
  });
});

describe.each(['socket', 'http'] as const)('reasons on exec approvals (%s mode)', (mode) => {
  it('asks why before Allow once is sent, and keeps the reason in the thread and the audit', async () => {
    h = await startHarness({
      mode,
      env: { OPENCLAW_EXEC_APPROVALS: 'true', OPENCLAW_REQUIRE_REASON: 'admin' },
      prepareGateway: (g) => g.addNode({ nodeId: 'node-exec-why', displayName: 'why-exec', commands: ['system.run'] }),
    });
    await h.bot.gateways.get('default')?.exec?.client.waitUntilConnected(10_000);
    const req = h.gateway.requestExecApproval({ nodeId: 'node-exec-why', argv: ['uptime'] });
    const card = await until(() => {
      const c = cards(h as Harness).find((m) => JSON.stringify(m.metadata ?? {}).includes(req.id));
      if (!c) throw new Error('no exec card yet');
      return c;
    });
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.allow-once', userId: ADMIN });
    const modal = await newestView(h);
    expect(JSON.stringify(modal.blocks)).toContain('uptime');
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(0);
    await h.slack.submitView({ viewId: modal.id, userId: ADMIN, values: { reason: { reason: 'load check, INC-7' } } });
    await until(() => expect(h?.gateway.execApproval(req.id)?.decision).toBe('allow-once'));
    await until(() => expect(JSON.stringify(h?.slack.threadReplies(CHANNEL, card.ts)[0]?.blocks)).toContain('INC-7'));
    const row = (await h.bot.storage.audit.list(20)).find((a) => a.requestId === req.id && a.outcome === 'ok');
    expect(row?.params).toMatchObject({ reason: 'load check, INC-7' });
    expect(h.slack.violations).toEqual([]);
  });
});

describe.each(['socket', 'http'] as const)('two-person rule on exec approvals (%s mode)', (mode) => {
  it('sends Allow only after a second exec approver, allow once when either said once, and lets the first withdraw', async () => {
    h = await startHarness({
      mode,
      env: {
        OPENCLAW_EXEC_APPROVALS: 'true',
        OPENCLAW_TWO_PERSON: 'admin',
        OPENCLAW_EXEC_APPROVERS: `${ADMIN},${SECOND}`,
      },
      prepareGateway: (g) => g.addNode({ nodeId: 'node-exec-two', displayName: 'two-exec', commands: ['system.run'] }),
    });
    await h.bot.gateways.get('default')?.exec?.client.waitUntilConnected(10_000);
    const execCard = (id: string) =>
      until(() => {
        const c = cards(h as Harness).find((m) => JSON.stringify(m.metadata ?? {}).includes(id));
        if (!c) throw new Error('no exec card yet');
        return c;
      });
    const req = h.gateway.requestExecApproval({ nodeId: 'node-exec-two', argv: ['uptime'], ask: 'on-miss' });
    const card = await execCard(req.id);
    const first = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'exec.allow-once',
      userId: ADMIN,
    });
    await until(() => expect(notes(first).join()).toMatch(/1 of 2/));
    await until(() => expect(json(current(h as Harness, card.ts))).toContain('exec.withdraw'));
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(0);
    const again = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'exec.allow-once',
      userId: ADMIN,
    });
    await until(() => expect(notes(again).join()).toMatch(/You approved this already/));
    // The second approver says allow always: the first said once, so once it is.
    const offered = json(current(h, card.ts)).includes('exec.allow-always') ? 'exec.allow-always' : 'exec.allow-once';
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: offered, userId: SECOND });
    await until(() => expect(h?.gateway.execApproval(req.id)?.decision).toBe('allow-once'));
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(1);

    const other = h.gateway.requestExecApproval({ nodeId: 'node-exec-two', argv: ['df', '-h'] });
    const otherCard = await execCard(other.id);
    await h.slack.action({ channel: CHANNEL, messageTs: otherCard.ts, actionId: 'exec.allow-once', userId: SECOND });
    await until(() => expect(json(current(h as Harness, otherCard.ts))).toContain('1 of 2'));
    await h.slack.action({ channel: CHANNEL, messageTs: otherCard.ts, actionId: 'exec.withdraw', userId: SECOND });
    await until(() => expect(json(current(h as Harness, otherCard.ts))).not.toContain('1 of 2'));
    await h.slack.action({ channel: CHANNEL, messageTs: otherCard.ts, actionId: 'exec.deny', userId: ADMIN });
    await until(() => expect(h?.gateway.execApproval(other.id)?.decision).toBe('deny'));
    expect(h.slack.violations).toEqual([]);
  });
});
