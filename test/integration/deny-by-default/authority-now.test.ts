import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, APPROVER, CHANNEL, type Harness, recordOf, startHarness } from '../support/bot-harness.js';
import { cardFor, until, untilDefined } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const SECOND_ADMIN = 'U0SECOND01';
const HOLD_MS = 60_000;

describe('authority is checked at the moment of action', () => {
  it('refuses a system.run confirmation after a restart that turned it off and removed the clicker as admin', async () => {
    h = await startHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true', OPENCLAW_ADMINS: `${ADMIN},${SECOND_ADMIN}` } });
    h.gateway.addNode({ displayName: 'shell', commands: ['system.run'], approved: true });
    const asked = await h.slack.command('invoke shell system.run {"command":["id"]}', {
      user_id: ADMIN,
      channel_id: CHANNEL,
    });
    await asked.nextResponse();
    const prompt = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the confirmation');
    await h.restartBot({ OPENCLAW_ALLOW_SYSTEM_RUN: 'false', OPENCLAW_ADMINS: SECOND_ADMIN });

    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: prompt.ts,
      actionId: 'command.confirm',
      userId: ADMIN,
    });
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/Not run: .*OPENCLAW_ALLOW_SYSTEM_RUN/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    const refusal = (await h.bot.storage.audit.list(10)).at(-1);
    expect(refusal).toMatchObject({ actor: ADMIN, action: 'invoke', outcome: 'refused' });
    expect(refusal?.detail).toMatch(/at confirmation/);
    expect(refusal?.params).toMatchObject({ command: 'system.run', params: { command: ['id'] } });
  });

  it('refuses a confirmation when the node is no longer the one shown', async () => {
    h = await startHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true' } });
    const node = h.gateway.addNode({ displayName: 'box', commands: ['system.run'], approved: true });
    const asked = await h.slack.command('invoke box system.run {"command":["id"]}', {
      user_id: ADMIN,
      channel_id: CHANNEL,
    });
    await asked.nextResponse();
    const prompt = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the confirmation');
    const live = h.gateway.state.node(node.nodeId);
    if (live) live.displayName = 'someone-elses-box';
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: prompt.ts,
      actionId: 'command.confirm',
      userId: ADMIN,
    });
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/node changed since you were asked/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
  });

  it('audits a confirm click by someone else, and runs nothing', async () => {
    h = await startHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true', OPENCLAW_ADMINS: `${ADMIN},${SECOND_ADMIN}` } });
    h.gateway.addNode({ displayName: 'shell', commands: ['system.run'], approved: true });
    const asked = await h.slack.command('invoke shell system.run {"command":["id"]}', {
      user_id: ADMIN,
      channel_id: CHANNEL,
    });
    await asked.nextResponse();
    const prompt = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the confirmation');
    const value = (prompt.blocks ?? []).flatMap((b) => (b.elements as { value?: string }[] | undefined) ?? [])[0]
      ?.value;
    const foreign = await h.slack.sendAction({
      type: 'block_actions',
      user: { id: SECOND_ADMIN, team_id: 'T0TEAM0001' },
      team: { id: 'T0TEAM0001' },
      container: { type: 'message', message_ts: prompt.ts, channel_id: CHANNEL, is_ephemeral: true },
      channel: { id: CHANNEL },
      actions: [{ type: 'button', action_id: 'command.confirm', block_id: 'confirm.actions', value, action_ts: '1.1' }],
    });
    expect(JSON.stringify((await foreign.nextResponse()).body)).toMatch(/not yours/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    expect((await h.bot.storage.audit.list(5)).at(-1)).toMatchObject({
      actor: SECOND_ADMIN,
      action: 'confirm',
      outcome: 'refused',
    });
  });

  it('drops a resumed pairing claim whose clicker may no longer decide, without calling the gateway', async () => {
    h = await startHarness({ gateway: { issueDeviceToken: true } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'resumed', commands: ['ollama.models'] });
    const card = await cardFor(h, 'resumed');
    const since = h.gateway.received.length;
    // Park the decision right after its claim (the decider re-reads the pending list before approving).
    h.gateway.delayResponses((method) => (method === 'node.pair.list' ? HOLD_MS : 0));
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await h.gateway.waitForRequest('node.pair.list', { since, timeoutMs: 5_000 });
    await until(async () => expect(await (h as Harness).bot.storage.claims.list()).toHaveLength(1));
    h.gateway.delayResponses(0);
    await h.restartBot({ OPENCLAW_APPROVERS: 'U0SOMEONE2' });
    await until(async () => expect(await (h as Harness).bot.storage.claims.list()).toHaveLength(0), 10_000);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    expect(await recordOf(h.bot, 'node', requestId)).toMatchObject({ status: 'pending' });
    expect((await h.bot.storage.audit.list(10)).some((a) => a.actor === APPROVER && a.outcome === 'refused')).toBe(
      true,
    );
  });
});
