import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Logger, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { HttpTarget } from '../../fakes/fake-slack/types.js';

const BOT = 'xoxb-fake-bot-token';
const APP_TOKEN = 'xapp-fake-app-token';
const SECRET = 'fake-signing-secret';
const CHANNEL = 'C0OPS';

/** A Bolt logger that keeps errors for assertions and prints nothing. */
function createQuietLogger(errors: string[]): Logger {
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (...msg: unknown[]) => void errors.push(msg.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.ERROR,
    setName: () => {},
  };
}

const approvalBlocks = [
  { type: 'section', block_id: 'req', text: { type: 'mrkdwn', text: 'node-1 wants to pair' } },
  {
    type: 'actions',
    block_id: 'decide',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        text: { type: 'plain_text', text: 'Approve' },
        value: 'req-1',
        style: 'primary',
      },
    ],
  },
];

/** Registers the same minimal listeners on either transport. */
function registerListeners(app: App): void {
  app.command('/openclaw', async ({ command, ack, respond, client }) => {
    await ack();
    if (command.text === 'request') {
      await client.chat.postMessage({ channel: command.channel_id, text: 'Pairing request', blocks: approvalBlocks });
      return;
    }
    await respond({ text: `status of ${command.text.length} chars` });
  });
  app.action('approve', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'Approved' });
  });
}

let fake: FakeSlack;
let app: App | undefined;
let errors: string[];

beforeEach(async () => {
  errors = [];
  fake = new FakeSlack({
    botToken: BOT,
    appToken: APP_TOKEN,
    signingSecret: SECRET,
    teamId: 'T0TEAM',
    botUserId: 'U0BOT',
  });
  // Bolt calls auth.test inside the App constructor: the fake must already listen.
  await fake.start();
  fake.joinChannel(CHANNEL);
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.stop();
});

describe('FakeSlack with Bolt in Socket Mode', () => {
  it('runs a command with ack and respond, and a button click that replaces the message', async () => {
    app = new App({
      token: BOT,
      appToken: APP_TOKEN,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logger: createQuietLogger(errors),
    });
    registerListeners(app);
    await app.start();
    await fake.waitForSocketConnections(1);

    const status = await fake.command('status', { channel_id: CHANNEL });
    expect(status).toMatchObject({ transport: 'socket', acked: true, ackBody: undefined });
    expect(await status.nextResponse()).toMatchObject({
      via: 'response_url',
      effect: 'ephemeral',
      body: { text: 'status of 6 chars' },
    });

    await fake.command('request', { channel_id: CHANNEL });
    const call = await fake.waitForCall('chat.postMessage');
    expect(call.response).toMatchObject({ ok: true, channel: CHANNEL });
    const posted = String(call.response?.ts);
    const click = await fake.action({ channel: CHANNEL, messageTs: posted, actionId: 'approve' });
    expect(click.acked).toBe(true);
    expect(await click.nextResponse()).toMatchObject({ effect: 'replaced' });
    expect(fake.messages(CHANNEL)).toMatchObject([{ ts: posted, text: 'Approved' }]);
    expect(fake.failures).toEqual([]);
    expect(fake.violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('FakeSlack with Bolt in HTTP mode', () => {
  let target: HttpTarget;

  beforeEach(async () => {
    app = new App({
      token: BOT,
      signingSecret: SECRET,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logger: createQuietLogger(errors),
    });
    registerListeners(app);
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    target = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
    fake.useHttp(target);
  });

  it('runs a command with ack and respond', async () => {
    const handle = await fake.command('status', { channel_id: CHANNEL });
    expect(handle).toMatchObject({ transport: 'http', status: 200, acked: true, ackBody: undefined });
    expect(await handle.nextResponse()).toMatchObject({ effect: 'ephemeral', body: { text: 'status of 6 chars' } });
    expect(fake.failures).toEqual([]);
  });

  it('is refused by Bolt with a bad signature or a charset in the content type', async () => {
    expect((await fake.sendCommand({ text: 'x' }, target, { signature: 'wrong' })).status).toBe(401);
    expect((await fake.sendCommand({ text: 'x' }, target, { signature: 'stale' })).status).toBe(401);
    const charset = await fake.sendCommand({ text: 'x' }, target, {
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(charset.status).toBe(400);
  });
});
