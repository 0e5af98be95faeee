import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  firstGateway,
  type SlackBot,
  STRANGER,
  startSlackBot,
} from '../integration/support/bot-harness.js';
import {
  approveNodeViaCli,
  listNodesViaCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const json = (m: StoredMessage) => JSON.stringify(m.blocks);

describe('the Slack bot against the real OpenClaw gateway', () => {
  let gw: RealGateway;
  let app: SlackBot;
  const hosts: NodeHost[] = [];

  const cards = () => app.slack.messages(CHANNEL).filter((m) => !m.thread_ts);
  const cardFor = (name: string) =>
    waitFor(() => cards().find((m) => json(m).includes(name)), { ...WAIT, description: `card for ${name}` });
  const nodeIdOf = async (name: string) =>
    (await waitFor(async () => (await listNodesViaCli(gw)).paired.find((n) => n.displayName === name), WAIT)).nodeId;
  const ask = async (text: string, user = STRANGER) => {
    const handle = await app.slack.command(text, { user_id: user, channel_id: CHANNEL });
    expect(handle.ackMs).toBeLessThan(3_000);
    return JSON.stringify((await handle.nextResponse({ timeoutMs: 30_000 })).body);
  };

  /** Clicks Confirm on the newest confirmation shown to `user` and returns the answer. */
  const confirmLast = async (user: string) => {
    const prompt = app.slack.ephemerals({ user }).at(-1);
    const click = await app.slack.action({
      channel: CHANNEL,
      messageTs: prompt?.ts ?? '',
      actionId: 'command.confirm',
      userId: user,
    });
    return JSON.stringify((await click.nextResponse({ timeoutMs: 30_000 })).body);
  };

  beforeAll(async () => {
    gw = await startGateway();
    console.log(`openclaw gateway ${gw.version} on ${gw.url}`);
    app = await startSlackBot({ url: gw.url, token: gw.token }, { env: { OPENCLAW_INVOKERS: STRANGER } });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await gw?.stop();
  });

  it('turns a node host request into a card, and an admin click approves it on the gateway', async () => {
    hosts.push(await startNodeHost(gw, { name: 'slack-e2e-one' }));
    const card = await cardFor('slack-e2e-one');
    expect(json(card)).toContain('system.run');
    const refused = await app.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(JSON.stringify((await refused.nextResponse()).body)).toMatch(/only OPENCLAW_ADMINS/);
    await app.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    const nodeId = await nodeIdOf('slack-e2e-one');
    await waitFor(
      async () => (await listNodesViaCli(gw)).paired.find((n) => n.nodeId === nodeId && n.approvalState === 'approved'),
      {
        ...WAIT,
        description: 'approved in the gateway view',
      },
    );
    await waitFor(
      () => !json(cards().find((m) => m.ts === card.ts) as StoredMessage).includes('pairing.approve'),
      WAIT,
    );
    expect(app.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
  });

  it('rejects with a click, and a CLI approval updates its card', async () => {
    hosts.push(await startNodeHost(gw, { name: 'slack-e2e-two', commands: ['system.which'] }));
    hosts.push(await startNodeHost(gw, { name: 'slack-e2e-three', commands: ['system.which'] }));
    const two = await cardFor('slack-e2e-two');
    const three = await cardFor('slack-e2e-three');
    await app.slack.action({ channel: CHANNEL, messageTs: two.ts, actionId: 'pairing.reject', userId: ADMIN });
    const twoId = await nodeIdOf('slack-e2e-two');
    await waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.find((n) => n.nodeId === twoId && n.approvalState === 'unapproved'),
      WAIT,
    );

    const request = (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === 'slack-e2e-three');
    expect(request).toBeDefined();
    await approveNodeViaCli(gw, request?.requestId ?? '');
    await waitFor(() => /outside Slack/.test(json(cards().find((m) => m.ts === three.ts) as StoredMessage)), {
      ...WAIT,
      description: 'card says approved outside Slack',
    });
  });

  it('answers nodes, describe, invoke system.which, rename, pending and approve', async () => {
    expect(await ask('nodes')).toContain('slack-e2e-one');
    expect(await ask('describe slack-e2e-one')).toContain('system.which');
    expect(await ask('invoke slack-e2e-one system.which {"bins":["ls"]}', ADMIN)).toContain('Run system.which');
    expect(await confirmLast(ADMIN)).toMatch(/\/ls/);
    await ask('rename slack-e2e-one slack-e2e-renamed', APPROVER);
    await waitFor(
      async () => (await listNodesViaCli(gw)).paired.some((n) => n.displayName === 'slack-e2e-renamed'),
      WAIT,
    );

    hosts.push(await startNodeHost(gw, { name: 'slack-e2e-four', commands: ['system.which'] }));
    await cardFor('slack-e2e-four');
    expect(await ask('pending')).toContain('slack-e2e-four');
    const request = (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === 'slack-e2e-four');
    expect(await ask(`approve ${request?.requestId}`, ADMIN)).toContain('Review this request');
    const shown = app.slack.ephemerals({ user: ADMIN }).at(-1);
    await app.slack.action({
      channel: CHANNEL,
      messageTs: shown?.ts ?? '',
      actionId: 'pairing.approve',
      userId: ADMIN,
    });
    await waitFor(async () => !(await pendingNodeRequestsViaCli(gw)).some((r) => r.displayName === 'slack-e2e-four'), {
      ...WAIT,
      description: 'slack-e2e-four approved from the reviewed card',
    });
  });

  it('posts nothing twice after a bot restart', async () => {
    const before = cards().length;
    await app.restartBot();
    await firstGateway(app.bot).watcher.reconcile('e2e restart');
    await app.bot.delivery.sync();
    expect(cards()).toHaveLength(before);
    expect(app.slack.violations).toEqual([]);
    expect(app.slack.failures).toEqual([]);
    expect(app.logs.text).not.toContain(gw.token);
  });
});
