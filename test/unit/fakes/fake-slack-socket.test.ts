import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { JsonObject } from '../../fakes/fake-slack/types.js';
import { callApi, RawSocketApp } from './raw-socket-app.js';

const BOT = 'xoxb-fake-bot-token';
const APP = 'xapp-fake-app-token';

let clock = 0;
let randomValues: number[] = [];
let fake: FakeSlack;
let apps: RawSocketApp[] = [];

beforeEach(async () => {
  clock = Date.now();
  randomValues = [];
  fake = new FakeSlack({
    botToken: BOT,
    appToken: APP,
    teamId: 'T0TEAM',
    botUserId: 'U0BOT',
    nowMs: () => clock,
    ackTimeoutMs: 200,
    random: () => randomValues.shift() ?? 0,
  });
  await fake.start();
  apps = [];
});

afterEach(async () => {
  for (const app of apps) app.close();
  await fake.stop();
});

async function connect(ack?: (envelope: JsonObject) => JsonObject | null): Promise<RawSocketApp> {
  const app = await RawSocketApp.connect(fake, APP, ack);
  apps.push(app);
  return app;
}

describe('FakeSlack Socket Mode', () => {
  it('opens connections only for the app-level token', async () => {
    expect((await callApi(fake, 'apps.connections.open', BOT)).body.error).toBe('not_allowed_token_type');
    expect((await callApi(fake, 'apps.connections.open', undefined)).body.error).toBe('not_authed');
    expect((await callApi(fake, 'apps.connections.open', 'xapp-other')).body.error).toBe('invalid_auth');
    const opened = await callApi(fake, 'apps.connections.open', APP);
    expect(opened.body).toEqual({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) });
  });

  it('sends hello first and refuses a reused connection URL', async () => {
    const opened = await callApi(fake, 'apps.connections.open', APP);
    const first = new WebSocket(String(opened.body.url));
    const hello = await new Promise<JsonObject>((resolve) =>
      first.once('message', (d) => resolve(JSON.parse(d.toString()))),
    );
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKEAPP' } });
    const reused = new WebSocket(String(opened.body.url));
    const status = await new Promise<number>((resolve) =>
      reused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
    first.close();
  });

  it('delivers slash_commands envelopes and applies the ack payload as the response', async () => {
    const app = await connect((env) => (env.type === 'slash_commands' ? { text: 'on it' } : {}));
    const handle = await fake.command('status node-1', { user_id: 'U0ALICE', channel_id: 'C0OPS' });
    const [envelope] = app.envelopes();
    expect(envelope).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        command: '/openclaw',
        text: 'status node-1',
        user_id: 'U0ALICE',
        channel_id: 'C0OPS',
        team_id: 'T0TEAM',
      },
    });
    expect(handle).toMatchObject({ transport: 'socket', acked: true, ackBody: { text: 'on it' } });
    expect(handle.payload.response_url).toBe(handle.responseUrl);
    const response = await handle.nextResponse();
    expect(response).toMatchObject({ via: 'ack', effect: 'ephemeral', body: { text: 'on it' } });
    expect(fake.ephemerals({ channel: 'C0OPS', user: 'U0ALICE' })).toMatchObject([{ text: 'on it' }]);
    expect(fake.failures).toEqual([]);
  });

  it('gives every envelope a unique id', async () => {
    const app = await connect();
    await fake.command('a');
    await fake.command('b');
    const ids = app.envelopes().map((e) => e.envelope_id);
    expect(new Set(ids).size).toBe(2);
  });

  it('records an envelope that is never acked as a failure', async () => {
    await connect(() => null);
    const handle = await fake.command('status');
    expect(handle.acked).toBe(false);
    expect(fake.failures).toMatchObject([{ kind: 'missing_ack' }]);
  });

  it('records an ack that arrives after the deadline as late', async () => {
    const app = await connect((env) => ((env.payload as JsonObject).text === 'flush' ? {} : null));
    const missed = await fake.command('status');
    app.ws.send(JSON.stringify({ envelope_id: missed.envelopeId, payload: {} }));
    await fake.command('flush');
    expect(fake.failures.map((f) => f.kind)).toEqual(['missing_ack', 'late_ack']);
  });

  it('records acks for unknown envelopes', async () => {
    const app = await connect();
    app.ws.send(JSON.stringify({ envelope_id: 'not-a-real-envelope', payload: {} }));
    await fake.command('flush');
    expect(fake.failures).toMatchObject([{ kind: 'unknown_envelope' }]);
  });

  it('routes each envelope to one randomly chosen connection', async () => {
    const a = await connect();
    const b = await connect();
    randomValues = [0.9, 0.1];
    await fake.command('one');
    await fake.command('two');
    expect(b.envelopes().map((e) => (e.payload as JsonObject).text)).toEqual(['one']);
    expect(a.envelopes().map((e) => (e.payload as JsonObject).text)).toEqual(['two']);
  });

  it('allows at most 10 connections', async () => {
    for (let i = 0; i < 10; i++) await connect();
    await expect(connect()).rejects.toThrow();
    expect(fake.socketConnectionCount).toBe(10);
  });

  it('sends disconnect messages with the given reason', async () => {
    const app = await connect();
    fake.disconnect('refresh_requested');
    expect(await app.nextFrame((f) => f.type === 'disconnect')).toMatchObject({ reason: 'refresh_requested' });
  });
});

describe('FakeSlack response_url', () => {
  it('accepts 5 uses and answers 404 to the 6th', async () => {
    await connect();
    const handle = await fake.command('status');
    const post = () =>
      fetch(handle.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text":"hi"}',
      });
    for (let i = 0; i < 5; i++) expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(404);
    expect(handle.responses().map((r) => r.httpStatus)).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('expires after 30 minutes', async () => {
    await connect();
    const handle = await fake.command('status');
    clock += 30 * 60 * 1000 + 1;
    const res = await fetch(handle.responseUrl, { method: 'POST', body: '{"text":"late"}' });
    expect(res.status).toBe(404);
  });

  it('replaces its own earlier response but never the invocation, and never changes visibility', async () => {
    await connect();
    const handle = await fake.command('status');
    const post = (body: JsonObject) => fetch(handle.responseUrl, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ text: 'x', replace_original: true })).status).toBe(400);
    expect((await post({ text: 'x', delete_original: true })).status).toBe(400);
    expect((await post({ text: 'working…' })).status).toBe(200);
    expect((await post({ text: 'public', replace_original: true, response_type: 'in_channel' })).status).toBe(400);
    expect((await post({ text: 'done', replace_original: true })).status).toBe(200);
    expect(fake.ephemerals().map((e) => e.text)).toEqual(['done']);
    expect(handle.responses().map((r) => r.effect)).toEqual([
      'rejected:cant_update_message',
      'rejected:cant_delete_message',
      'ephemeral',
      'rejected:cannot_change_visibility',
      'replaced',
    ]);
  });

  it('posts in_channel responses even where the bot is not a member, and validates blocks', async () => {
    await connect();
    const handle = await fake.command('status', { channel_id: 'C0ELSEWHERE' });
    const bad = await fetch(handle.responseUrl, {
      method: 'POST',
      body: JSON.stringify({ text: 'x', blocks: [{ type: 'nope' }] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_blocks',
      errors: [expect.stringContaining('/blocks/0/type')],
    });
    await fetch(handle.responseUrl, {
      method: 'POST',
      body: JSON.stringify({ text: 'for all', response_type: 'in_channel' }),
    });
    expect(fake.messages('C0ELSEWHERE')).toMatchObject([{ text: 'for all', via: 'response_url' }]);
  });

  it('applies fault injection to response_urls', async () => {
    await connect();
    const handle = await fake.command('status');
    fake.failNext('response_url', { status: 429, retryAfterSec: 2 });
    const res = await fetch(handle.responseUrl, { method: 'POST', body: '{"text":"x"}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(fake.count429('response_url')).toBe(1);
  });
});
