import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { ADMIN, CHANNEL, type SlackBot, STRANGER, startSlackBot } from '../integration/support/bot-harness.js';
import {
  listNodesViaCli,
  type NodeHost,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const LAB_CHANNEL = 'C0LABCARDS';
const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('two real gateways from one bot', () => {
  let prod: RealGateway;
  let lab: RealGateway;
  let app: SlackBot;
  const hosts: NodeHost[] = [];

  const ask = async (text: string, user = STRANGER) => {
    const handle = await app.slack.command(text, { user_id: user, channel_id: CHANNEL });
    return JSON.stringify((await handle.nextResponse({ timeoutMs: 30_000 })).body);
  };
  const cardIn = (channel: string, name: string) =>
    waitFor(() => app.slack.messages(channel).find((m) => json(m).includes(name)), {
      ...WAIT,
      description: `card for ${name}`,
    });
  const approved = (gw: RealGateway, name: string) =>
    waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.some((n) => n.displayName === name && n.approvalState === 'approved'),
      { ...WAIT, description: `${name} approved` },
    );

  beforeAll(async () => {
    [prod, lab] = await Promise.all([startGateway(), startGateway()]);
    app = await startSlackBot(
      { url: '', token: '' },
      {
        env: {
          OPENCLAW_GATEWAY_URL: '',
          OPENCLAW_GATEWAY_TOKEN: '',
          OPENCLAW_GATEWAYS: 'prod,lab',
          OPENCLAW_GATEWAY_PROD_URL: prod.url,
          OPENCLAW_GATEWAY_PROD_TOKEN: prod.token,
          OPENCLAW_GATEWAY_LAB_URL: lab.url,
          OPENCLAW_GATEWAY_LAB_TOKEN: lab.token,
          OPENCLAW_GATEWAY_LAB_PAIRING_CHANNEL: LAB_CHANNEL,
          OPENCLAW_ALERT_AFTER_MS: '1000',
        },
        prepareSlack: (slack) => {
          slack.addChannel(LAB_CHANNEL);
          slack.joinChannel(LAB_CHANNEL);
        },
      },
    );
    // The same name on both gateways: a reference to it is ambiguous.
    hosts.push(...(await Promise.all([startNodeHost(prod, { name: 'twin' }), startNodeHost(lab, { name: 'twin' })])));
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await Promise.all([prod?.stop(), lab?.stop()]);
  });

  it('posts one card per request in its gateway’s channel, naming it, and approves each on its own gateway', async () => {
    const prodCard = await cardIn(CHANNEL, 'twin');
    const labCard = await cardIn(LAB_CHANNEL, 'twin');
    expect(json(prodCard)).toContain('*Gateway*\\n`prod`');
    expect(json(labCard)).toContain('*Gateway*\\n`lab`');
    expect(app.slack.messages(CHANNEL).filter((m) => json(m).includes('twin'))).toHaveLength(1);

    await app.slack.action({ channel: LAB_CHANNEL, messageTs: labCard.ts, actionId: 'pairing.approve', userId: ADMIN });
    await approved(lab, 'twin');
    expect((await listNodesViaCli(prod)).paired.find((n) => n.displayName === 'twin')?.approvalState).not.toBe(
      'approved',
    );
    await app.slack.action({ channel: CHANNEL, messageTs: prodCard.ts, actionId: 'pairing.approve', userId: ADMIN });
    await approved(prod, 'twin');
  });

  it('lists both fleets, filters with --gateway, and calls a name found on both ambiguous', async () => {
    const all = await waitFor(
      async () => {
        const text = await ask('nodes');
        return text.includes('gateway `prod`') && text.includes('gateway `lab`') ? text : undefined;
      },
      { ...WAIT, description: 'nodes of both gateways' },
    );
    expect(all).toContain('twin');
    expect(await ask('nodes --gateway lab')).not.toContain('gateway `prod`');
    expect(await ask('describe twin')).toMatch(/matches nodes on several gateways.*--gateway prod.*--gateway lab/);
    expect(await ask('describe twin -g lab')).toContain('system.which');
  });

  it('keeps working on prod when lab is killed, and the alert names lab', async () => {
    await lab.kill('SIGKILL');
    const alert = await waitFor(() => app.slack.messages(LAB_CHANNEL).find((m) => m.text.includes('down since')), {
      ...WAIT,
      description: 'the lab alert',
    });
    expect(alert.text).toContain('The OpenClaw gateway `lab` session has been down since');
    expect(app.slack.messages(CHANNEL).some((m) => m.text.includes('down since'))).toBe(false);
    const nodes = await ask('nodes');
    expect(nodes).toContain('gateway `prod`');
    expect(nodes).toContain('Not listed: lab (unreachable)');
    hosts.push(await startNodeHost(prod, { name: 'after-lab-died', commands: ['system.which'] }));
    await cardIn(CHANNEL, 'after-lab-died');
  });
});
