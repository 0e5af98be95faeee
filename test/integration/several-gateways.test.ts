import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { ConfigError } from '../../src/errors.js';
import { FakeGateway } from '../fakes/fake-gateway/fake-gateway.js';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { ADMIN, CHANNEL, SECRETS, type SlackBot, STRANGER, startSlackBot } from './support/bot-harness.js';

const LAB_CHANNEL = 'C0LABCARDS';
const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

interface Two {
  prod: FakeGateway;
  lab: FakeGateway;
  app: SlackBot;
}

let two: Two | undefined;
afterEach(async () => {
  await two?.app.stop();
  await two?.prod.stop();
  await two?.lab.stop().catch(() => undefined);
  two = undefined;
});

async function startTwo(env: Record<string, string> = {}): Promise<Two> {
  const prod = new FakeGateway({ token: 'prod-token-secret' });
  const lab = new FakeGateway({ token: 'lab-token-secret' });
  await prod.start();
  await lab.start();
  const app = await startSlackBot(
    { url: '', token: '' },
    {
      env: {
        OPENCLAW_GATEWAY_URL: '',
        OPENCLAW_GATEWAY_TOKEN: '',
        OPENCLAW_GATEWAYS: 'prod,lab',
        OPENCLAW_GATEWAY_PROD_URL: prod.url,
        OPENCLAW_GATEWAY_PROD_TOKEN: 'prod-token-secret',
        OPENCLAW_GATEWAY_LAB_URL: lab.url,
        OPENCLAW_GATEWAY_LAB_TOKEN: 'lab-token-secret',
        OPENCLAW_GATEWAY_LAB_PAIRING_CHANNEL: LAB_CHANNEL,
        OPENCLAW_INVOKERS: STRANGER,
        OPENCLAW_ALERT_AFTER_MS: '200',
        ...env,
      },
      prepareSlack: (slack) => {
        slack.addChannel(LAB_CHANNEL);
        slack.joinChannel(LAB_CHANNEL);
      },
    },
  );
  return { prod, lab, app };
}

async function ask(app: SlackBot, text: string, user = STRANGER): Promise<string> {
  const handle = await app.slack.command(text, { user_id: user, channel_id: CHANNEL });
  return JSON.stringify((await handle.nextResponse({ timeoutMs: 5_000 })).body);
}

function cardIn(app: SlackBot, channel: string, name: string): Promise<StoredMessage> {
  return expect
    .poll(() => app.slack.messages(channel).find((m) => json(m).includes(name)), { timeout: 5_000 })
    .toBeDefined()
    .then(() => app.slack.messages(channel).find((m) => json(m).includes(name)) as StoredMessage);
}

describe('several gateways from one app', () => {
  it('posts each request in its gateway’s channel, naming the gateway, and approves on the right one', async () => {
    two = await startTwo();
    const { prod, lab, app } = two;
    prod.requestNodePairing({ displayName: 'prod-box', commands: ['ollama.models'] });
    lab.requestNodePairing({ displayName: 'lab-box', commands: ['ollama.models'] });
    const prodCard = await cardIn(app, CHANNEL, 'prod-box');
    const labCard = await cardIn(app, LAB_CHANNEL, 'lab-box');
    expect(json(prodCard)).toContain('*Gateway*\\n`prod`');
    expect(json(labCard)).toContain('*Gateway*\\n`lab`');
    expect(app.slack.messages(CHANNEL).some((m) => json(m).includes('lab-box'))).toBe(false);

    await app.slack.action({ channel: LAB_CHANNEL, messageTs: labCard.ts, actionId: 'pairing.approve', userId: ADMIN });
    await expect.poll(() => lab.callCount('node.pair.approve'), { timeout: 5_000 }).toBe(1);
    expect(prod.callCount('node.pair.approve')).toBe(0);
    expect(prod.pendingNodeRequests()).toHaveLength(1);
    const audit = await app.bot.storage.audit.list(10);
    expect(audit.find((a) => a.action === 'pairing.approve')).toMatchObject({ gateway: 'lab', outcome: 'ok' });
    expect(app.slack.violations).toEqual([]);
  });

  it('lists both fleets, filters with --gateway, and answers an ambiguous name with how to pick', async () => {
    two = await startTwo();
    const { prod, lab, app } = two;
    prod.addNode({ displayName: 'builder', commands: ['ollama.models'], approved: true });
    lab.addNode({ displayName: 'builder', commands: ['ollama.models'], approved: true });
    lab.addNode({ displayName: 'lab-only', commands: ['ollama.models'], approved: true });
    const all = await ask(app, 'nodes');
    expect(all).toContain('gateway `prod`');
    expect(all).toContain('gateway `lab`');
    expect(all).toContain('lab-only');
    const onlyProd = await ask(app, 'nodes --gateway prod');
    expect(onlyProd).not.toContain('lab-only');
    expect(onlyProd).toContain('builder');
    expect(await ask(app, 'describe builder')).toMatch(
      /matches nodes on several gateways: .*on prod.*on lab.*--gateway prod.*--gateway lab/,
    );
    expect(await ask(app, 'describe builder -g lab')).toContain('ollama.models');
    lab.setInvokeHandler(() => ({ models: ['from-lab'] }));
    expect(await ask(app, 'invoke builder ollama.models -g lab')).toContain('from-lab');
    expect(prod.callCount('node.invoke')).toBe(0);
    expect(await ask(app, 'nodes -g staging')).toMatch(
      /There is no gateway .{1,3}staging.{1,3}\..*Configured gateways: prod, lab/,
    );
    expect(await ask(app, 'presence')).toMatch(/Gateway `prod`.*Gateway `lab`/);
  });

  it('keeps one gateway working while the other is down, and its alert names it', async () => {
    two = await startTwo();
    const { prod, lab, app } = two;
    prod.addNode({ displayName: 'steady', commands: ['ollama.models'], approved: true });
    await lab.stop();
    const alert = await expect
      .poll(() => app.slack.messages(LAB_CHANNEL).find((m) => m.text.includes('down since')), { timeout: 5_000 })
      .toBeDefined()
      .then(() => app.slack.messages(LAB_CHANNEL).find((m) => m.text.includes('down since')));
    expect(alert?.text).toContain('The OpenClaw gateway `lab` session has been down since');
    expect(app.slack.messages(CHANNEL).some((m) => m.text.includes('down since'))).toBe(false);
    const nodes = await ask(app, 'nodes');
    expect(nodes).toContain('steady');
    expect(nodes).toContain('Not listed: lab (unreachable)');
    prod.requestNodePairing({ displayName: 'still-posted', commands: ['ollama.models'] });
    await cardIn(app, CHANNEL, 'still-posted');
    const ready = await fetch(`http://127.0.0.1:${app.bot.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      gateways: { prod: { state: 'connected' }, lab: { state: 'reconnecting' } },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${app.bot.port}/metrics`)).text();
    expect(metrics).toMatch(/^openclaw_gateway_connected\{gateway="prod"\} 1$/m);
    expect(metrics).toMatch(/^openclaw_gateway_connected\{gateway="lab"\} 0$/m);
    expect(app.logs.text).not.toContain('lab-token-secret');
  });
});

describe('configuring several gateways', () => {
  const base = {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('names the variable of every problem, per gateway', () => {
    expect(
      problemsOf({
        OPENCLAW_GATEWAYS: 'prod,Lab_1,prod-eu',
        OPENCLAW_GATEWAY_PROD_URL: 'http://wrong',
        OPENCLAW_GATEWAY_PROD_EU_URL: 'wss://eu.example:18789',
        OPENCLAW_GATEWAY_PROD_EU_PAIRING_CHANNEL: '#eu',
        OPENCLAW_GATEWAY_URL: 'ws://127.0.0.1:18789',
      }),
    ).toEqual([
      'OPENCLAW_GATEWAYS: "Lab_1" is not a gateway id: use 1 to 20 lowercase letters, digits or -',
      'OPENCLAW_GATEWAY_URL: is ignored when OPENCLAW_GATEWAYS lists gateways; set OPENCLAW_GATEWAY_PROD_URL instead',
      'OPENCLAW_GATEWAY_PROD_URL: must start with ws:// or wss://',
      'OPENCLAW_GATEWAY_PROD_TOKEN: set OPENCLAW_GATEWAY_PROD_TOKEN (or OPENCLAW_GATEWAY_PROD_PASSWORD): the auth secret of the gateway "prod"',
      'OPENCLAW_GATEWAY_PROD_EU_TOKEN: set OPENCLAW_GATEWAY_PROD_EU_TOKEN (or OPENCLAW_GATEWAY_PROD_EU_PASSWORD): the auth secret of the gateway "prod-eu"',
      'OPENCLAW_GATEWAY_PROD_EU_PAIRING_CHANNEL: must be a channel id such as C0123456789 (not a #name)',
    ]);
  });

  it('gives each gateway its own settings, defaulting to the shared ones', () => {
    const config = loadConfig({
      ...base,
      OPENCLAW_GATEWAYS: 'prod,lab',
      OPENCLAW_GATEWAY_PROD_URL: 'wss://prod.example:18789',
      OPENCLAW_GATEWAY_PROD_TOKEN: 't1',
      OPENCLAW_GATEWAY_LAB_URL: 'ws://10.0.0.5:18789',
      OPENCLAW_GATEWAY_LAB_PASSWORD: 'p2',
      OPENCLAW_GATEWAY_LAB_SCOPES: 'operator.read,operator.pairing',
      OPENCLAW_GATEWAY_LAB_CLIENT_NAME: 'slack-lab',
      OPENCLAW_GATEWAY_LAB_PAIRING_CHANNEL: 'G0LABPRIV',
    });
    expect(config.gateways).toEqual([
      {
        id: 'prod',
        url: 'wss://prod.example:18789',
        auth: { token: 't1' },
        scopes: ['operator.read', 'operator.write', 'operator.pairing', 'operator.admin'],
        clientName: 'openclaw-slack-ops',
        pairingChannel: CHANNEL,
      },
      {
        id: 'lab',
        url: 'ws://10.0.0.5:18789',
        auth: { password: 'p2' },
        scopes: ['operator.read', 'operator.pairing'],
        clientName: 'slack-lab',
        pairingChannel: 'G0LABPRIV',
      },
    ]);
  });
});
