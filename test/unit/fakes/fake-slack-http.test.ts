import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import { signSlackRequest } from '../../fakes/fake-slack/signing.js';
import type { HttpTarget } from '../../fakes/fake-slack/types.js';

const SECRET = 'fake-signing-secret';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A raw HTTP "app": records each request and answers with `respond`. */
let respond: (res: ServerResponse) => void;
let received: Received[];
let appServer: Server;
let target: HttpTarget;
let fake: FakeSlack;

beforeEach(async () => {
  received = [];
  respond = (res) => res.writeHead(200).end();
  appServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  target = { url: `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/slack/events`, signingSecret: SECRET };
  fake = new FakeSlack({ botToken: 'xoxb-fake', teamId: 'T0TEAM', botUserId: 'U0BOT', ackTimeoutMs: 100 });
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
  appServer.closeAllConnections();
  await new Promise<void>((resolve) => appServer.close(() => resolve()));
});

function isSigned(r: Received): boolean {
  return isValidSlackRequest({
    signingSecret: SECRET,
    body: r.body,
    headers: {
      'x-slack-signature': String(r.headers['x-slack-signature']),
      'x-slack-request-timestamp': Number(r.headers['x-slack-request-timestamp']),
    },
  });
}

describe('signSlackRequest', () => {
  it('matches the verified test vector', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('FakeSlack HTTP delivery', () => {
  it('posts commands form-encoded with exactly Slack content type and a valid signature', async () => {
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"got it"}');
    const handle = await fake.sendCommand({ text: 'status', user_id: 'U0ALICE', channel_id: 'C0OPS' }, target);
    const [req] = received;
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req && isSigned(req)).toBe(true);
    const fields = Object.fromEntries(new URLSearchParams(req?.body));
    expect(fields).toMatchObject({
      command: '/openclaw',
      text: 'status',
      user_id: 'U0ALICE',
      channel_id: 'C0OPS',
      team_id: 'T0TEAM',
    });
    expect(fields.response_url).toBe(handle.responseUrl);
    expect(fields.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(handle).toMatchObject({ transport: 'http', status: 200, acked: true, ackBody: { text: 'got it' } });
    expect(await handle.nextResponse()).toMatchObject({ via: 'ack', body: { text: 'got it' } });
    expect(fake.failures).toEqual([]);
  });

  it('posts actions as a single payload field', async () => {
    await fake.sendAction({ type: 'block_actions', actions: [{ action_id: 'approve' }] }, target);
    const [req] = received;
    const form = new URLSearchParams(req?.body);
    expect([...form.keys()]).toEqual(['payload']);
    expect(JSON.parse(form.get('payload') ?? '{}')).toMatchObject({
      type: 'block_actions',
      response_url: expect.any(String),
    });
  });

  it('sends missing, wrong and stale signatures on request', async () => {
    await fake.sendCommand({ text: 'a' }, target, { signature: 'missing' });
    await fake.sendCommand({ text: 'b' }, target, { signature: 'wrong' });
    await fake.sendCommand({ text: 'c' }, target, { signature: 'stale' });
    const [missing, wrong, stale] = received;
    expect(missing?.headers['x-slack-signature']).toBeUndefined();
    expect(wrong && isSigned(wrong)).toBe(false);
    expect(stale && isSigned(stale)).toBe(false);
    expect(Number(stale?.headers['x-slack-request-timestamp'])).toBeLessThan(Date.now() / 1000 - 300);
  });

  it('records an ack slower than the deadline as a failure', async () => {
    // The simulated app is slow on purpose; the test waits on the delivery, not on a timer.
    respond = (res) => setTimeout(() => res.writeHead(200).end(), 250);
    const handle = await fake.sendCommand({ text: 'slow' }, target);
    expect(handle.acked).toBe(false);
    expect(handle.ackMs).toBeGreaterThan(100);
    expect(fake.failures).toMatchObject([{ kind: 'slow_ack' }]);
  });

  it('reports a refusal by the app without counting it as an ack', async () => {
    respond = (res) => res.writeHead(401).end();
    const handle = await fake.sendCommand({ text: 'x' }, target, { signature: 'wrong' });
    expect(handle).toMatchObject({ status: 401, acked: false });
    expect(handle.responses()).toEqual([]);
  });
});
