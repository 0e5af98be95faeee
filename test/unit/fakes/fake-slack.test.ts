import { LogLevel, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { JsonObject } from '../../fakes/fake-slack/types.js';
import { callApi } from './raw-socket-app.js';

const BOT = 'xoxb-fake-bot-token';
const APP = 'xapp-fake-app-token';
const CHANNEL = 'C0OPS';

let clock = 0;
let fake: FakeSlack;
let client: webApi.WebClient;

beforeEach(async () => {
  clock = Date.now();
  fake = new FakeSlack({
    botToken: BOT,
    appToken: APP,
    teamId: 'T0TEAM',
    enterpriseId: 'E0GRID',
    botUserId: 'U0BOT',
    nowMs: () => clock,
    usergroups: { S0OPS: ['U0ALICE', 'U0BOB'] },
  });
  await fake.start();
  fake.joinChannel(CHANNEL);
  client = new webApi.WebClient(BOT, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
});

afterEach(async () => {
  await fake.stop();
});

/** The Slack error code of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e as { data?: { error?: string } },
  );
  return err?.data?.error ?? 'resolved without error';
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('FakeSlack Web API', () => {
  it('answers auth.test with the configured identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team_id: 'T0TEAM',
      user_id: 'U0BOT',
      bot_id: 'B0FAKEBOT',
      enterprise_id: 'E0GRID',
    });
  });

  it('refuses missing, wrong and app-level tokens', async () => {
    expect((await callApi(fake, 'auth.test', undefined)).body.error).toBe('not_authed');
    expect((await callApi(fake, 'auth.test', 'xoxb-other')).body.error).toBe('invalid_auth');
    expect((await callApi(fake, 'chat.postMessage', APP, { channel: CHANNEL, text: 'x' })).body.error).toBe(
      'not_allowed_token_type',
    );
  });

  it('accepts JSON bodies and refuses other content types', async () => {
    const post = (contentType: string, body: string) =>
      fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${BOT}` },
        body,
      }).then((r) => r.json() as Promise<JsonObject>);
    const json = await post(
      'application/json; charset=utf-8',
      JSON.stringify({ channel: CHANNEL, blocks: [section('hi')], text: 'hi' }),
    );
    expect(json.ok).toBe(true);
    expect(fake.messages(CHANNEL)[0]?.blocks).toEqual([section('hi')]);
    expect((await post('text/plain', 'channel=C0OPS&text=hi')).error).toBe('invalid_form_data');
  });

  it('stores posted messages with ts, thread, blocks and metadata', async () => {
    const metadata = { event_type: 'pairing_requested', event_payload: { request_id: 'r1' } };
    const root = await client.chat.postMessage({ channel: CHANNEL, text: 'root', blocks: [section('root')], metadata });
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: root.ts });
    expect(root.ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.messages(CHANNEL)).toMatchObject([{ ts: root.ts, text: 'root', blocks: [section('root')], metadata }]);
    expect(fake.threadReplies(CHANNEL, String(root.ts))).toMatchObject([{ ts: reply.ts, text: 'reply' }]);
    expect(fake.calls('chat.postMessage')).toHaveLength(2);
  });

  it('refuses channels the bot is not in', async () => {
    fake.addChannel('C0PUBLIC');
    fake.addChannel('G0PRIVATE');
    expect(await slackError(client.chat.postMessage({ channel: 'C0PUBLIC', text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: 'G0PRIVATE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
  });

  it('answers invalid_blocks with json-pointer errors', async () => {
    const res = await callApi(fake, 'chat.postMessage', BOT, {
      channel: CHANNEL,
      text: 'x',
      blocks: JSON.stringify([section('x'.repeat(3001))]),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] },
    });
  });

  it('answers invalid_blocks_format for double-encoded blocks, msg_blocks_too_long and no_text', async () => {
    const doubled = JSON.stringify(JSON.stringify([section('x')]));
    expect((await callApi(fake, 'chat.postMessage', BOT, { channel: CHANNEL, blocks: doubled })).body.error).toBe(
      'invalid_blocks_format',
    );
    const long = Array.from({ length: 5 }, () => section('y'.repeat(2500)));
    expect(await slackError(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: long }))).toBe(
      'msg_blocks_too_long',
    );
    expect((await callApi(fake, 'chat.postMessage', BOT, { channel: CHANNEL })).body.error).toBe('no_text');
  });

  it('warns about a missing text fallback and truncates text over 40,000 characters', async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: '', blocks: [section('only blocks')] });
    const res = await client.chat.postMessage({ channel: CHANNEL, text: 'z'.repeat(40_001) });
    expect(fake.warnings).toEqual([
      { method: 'chat.postMessage', warning: 'missing_text_fallback' },
      { method: 'chat.postMessage', warning: 'message_truncated' },
    ]);
    expect(res.response_metadata?.warnings).toEqual(['message_truncated']);
    expect(fake.messages(CHANNEL)[1]?.text).toHaveLength(40_000);
  });

  it('updates only existing bot messages, with text up to 4000 characters', async () => {
    const metadata = { event_type: 'pairing_requested', event_payload: { id: 'r1' } };
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'v1', metadata });
    const ts = String(posted.ts);
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts, text: 'x'.repeat(4001) }))).toBe('msg_too_long');
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    const userTs = fake.addUserMessage(CHANNEL, 'U0ALICE', 'mine');
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: userTs, text: 'x' }))).toBe(
      'cant_update_message',
    );
    await client.chat.update({ channel: CHANNEL, ts, text: 'v2' });
    expect(fake.messages(CHANNEL)[0]).toMatchObject({ text: 'v2', metadata, edits: 1 });
  });

  it('refuses chat.update on an ephemeral message', async () => {
    const eph = await client.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'psst' });
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: String(eph.message_ts), text: 'x' }))).toBe(
      'cant_update_message',
    );
    expect(fake.ephemerals({ user: 'U0ALICE' })).toMatchObject([{ text: 'psst', channel: CHANNEL }]);
  });

  it('refuses chat.postEphemeral to users outside a channel with known members', async () => {
    fake.addChannel('C0SMALL', { isMember: true, members: ['U0ALICE'] });
    expect(await slackError(client.chat.postEphemeral({ channel: 'C0SMALL', user: 'U0BOB', text: 'x' }))).toBe(
      'user_not_in_channel',
    );
  });

  it('lets views.open use a trigger_id once and only within 3 seconds', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Pair' }, blocks: [] };
    const trigger = fake.mintTriggerId();
    expect((await client.views.open({ trigger_id: trigger, view })).ok).toBe(true);
    expect(await slackError(client.views.open({ trigger_id: trigger, view }))).toBe('exchanged_trigger_id');
    const late = fake.mintTriggerId();
    clock += 3001;
    expect(await slackError(client.views.open({ trigger_id: late, view }))).toBe('expired_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: '1.2.abc', view }))).toBe('invalid_trigger_id');
    expect(fake.views()).toHaveLength(1);
  });

  it('publishes one Home view per user under a stable id, and enforces Home tab rules', async () => {
    const home = (blocks: unknown[]) => ({ type: 'home' as const, blocks: blocks as never[] });
    const first = await client.views.publish({ user_id: 'U0ALICE', view: home([section('hi')]) });
    const again = await client.views.publish({ user_id: 'U0ALICE', view: home([section('again')]) });
    expect(again.view?.id).toBe(first.view?.id);
    expect(JSON.stringify(fake.home('U0ALICE')?.blocks)).toContain('again');
    expect(await slackError(client.views.publish({ user_id: 'U0ALICE', hash: first.view?.hash, view: home([]) }))).toBe(
      'hash_conflict',
    );
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ ...section(`b${i}`), block_id: `b${i}` }));
    expect(await slackError(client.views.publish({ user_id: 'U0ALICE', view: home(tooMany) }))).toBe(
      'invalid_arguments',
    );
    expect((await client.views.publish({ user_id: 'U0ALICE', view: home(tooMany.slice(0, 100)) })).ok).toBe(true);
    const modal = { type: 'home' as const, title: { type: 'plain_text' as const, text: 'x' }, blocks: [] };
    expect(await slackError(client.views.publish({ user_id: 'U0ALICE', view: modal as never }))).toBe(
      'invalid_arguments',
    );
    expect(await slackError(client.views.publish({ user_id: 'nobody', view: home([]) }))).toBe('invalid_arguments');
    // Mentions and links in a Home tab are injections like in a message.
    await client.views.publish({ user_id: 'U0BOB', view: home([section('<!channel> look')]) });
    expect(fake.violations.map((v) => v.source)).toContain('views.publish');
  });

  it('answers views.publish with not_enabled when the app has no Home tab', async () => {
    const noHome = new FakeSlack({ botToken: BOT, teamId: 'T0TEAM', botUserId: 'U0BOT', homeTabEnabled: false });
    await noHome.start();
    try {
      const other = new webApi.WebClient(BOT, {
        slackApiUrl: noHome.apiUrl,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      });
      expect(await slackError(other.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } }))).toBe(
        'not_enabled',
      );
    } finally {
      await noHome.stop();
    }
  });

  it('serves usergroups.users.list and conversations.info', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0OPS' })).users).toEqual(['U0ALICE', 'U0BOB']);
    expect(await slackError(client.usergroups.users.list({ usergroup: 'S0NONE' }))).toBe('no_such_subteam');
    expect((await client.conversations.info({ channel: CHANNEL })).channel).toMatchObject({
      id: CHANNEL,
      is_member: true,
    });
    fake.addChannel('G0SECRET');
    expect(await slackError(client.conversations.info({ channel: 'G0SECRET' }))).toBe('channel_not_found');
  });

  it('uploads a file through files.uploadV2', async () => {
    await client.files.uploadV2({ channel_id: CHANNEL, content: 'hello', filename: 'report.txt', title: 'Report' });
    expect(fake.files()).toMatchObject([{ title: 'Report', name: 'report.txt', size: 5, channel_id: CHANNEL }]);
  });
});

describe('FakeSlack rate limits and faults', () => {
  it('answers 429 with Retry-After past the per-channel burst', async () => {
    const post = (channel: string) => callApi(fake, 'chat.postMessage', BOT, { channel, text: 'x' });
    for (let i = 0; i < 3; i++) expect((await post(CHANNEL)).status).toBe(200);
    const limited = await post(CHANNEL);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    fake.joinChannel('C0OTHER');
    expect((await post('C0OTHER')).status).toBe(200);
    clock += 1000;
    expect((await post(CHANNEL)).status).toBe(200);
    expect(fake.count429('chat.postMessage')).toBe(1);
  });

  it('surfaces a 429 to the SDK as a rate-limited error with retryAfter', async () => {
    const strict = new webApi.WebClient(BOT, {
      slackApiUrl: fake.apiUrl,
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const err = await strict.chat.postMessage({ channel: CHANNEL, text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('fails or drops the next calls on demand', async () => {
    fake.failNext('auth.test', { status: 500, times: 2 });
    fake.dropNext('conversations.info');
    expect((await callApi(fake, 'auth.test', BOT)).status).toBe(500);
    expect((await callApi(fake, 'auth.test', BOT)).status).toBe(500);
    expect((await callApi(fake, 'auth.test', BOT)).status).toBe(200);
    await expect(client.conversations.info({ channel: CHANNEL })).rejects.toThrow();
    expect(fake.calls('conversations.info')).toMatchObject([{ httpStatus: 0, response: undefined }]);
  });
});

describe('FakeSlack injection detector', () => {
  it('flags mass mentions, unknown links, user mentions and bare angle brackets', async () => {
    fake.allowInjection({ userIds: ['U0ALICE'], linkPrefixes: ['https://openclaw.example/'] });
    await client.chat.postMessage({
      channel: CHANNEL,
      text: 'hi <@U0ALICE> see <https://openclaw.example/n/1|node>',
      blocks: [
        section('<!channel> <https://evil.example|ok> <@U0MALLORY> a > b'),
        { type: 'header', text: { type: 'plain_text', text: '<!here>' } },
      ],
    });
    expect(fake.violations.map((v) => [v.pointer, v.kind, v.token])).toEqual([
      ['/blocks/0/text/text', 'mass_mention', '<!channel>'],
      ['/blocks/0/text/text', 'link', '<https://evil.example|ok>'],
      ['/blocks/0/text/text', 'user_mention', '<@U0MALLORY>'],
      ['/blocks/0/text/text', 'bare_angle_bracket', '>'],
    ]);
  });

  it('accepts escaped user input', async () => {
    await client.chat.postMessage({
      channel: CHANNEL,
      text: 'you typed &lt;!channel&gt; &amp; &lt;https://evil|ok&gt;',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '&lt;!subteam^S1&gt; @here', verbatim: true } }],
    });
    expect(fake.violations).toEqual([]);
  });
});
