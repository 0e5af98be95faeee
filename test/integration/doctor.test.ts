import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatChecklist, runDoctor } from '../../src/doctor.js';
import { FakeGateway } from '../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../fakes/fake-slack/fake-slack.js';
import { CHANNEL, SECRETS, TEAM } from './support/bot-harness.js';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(options: { joined?: boolean; grantScopes?: (s: string[]) => string[] } = {}) {
  const gateway = new FakeGateway({
    token: SECRETS.gatewayToken,
    ...(options.grantScopes ? { grantScopes: options.grantScopes } : {}),
  });
  await gateway.start();
  stops.push(() => gateway.stop());
  const slack = new FakeSlack({
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
  });
  await slack.start();
  stops.push(() => slack.stop());
  slack.addChannel(CHANNEL);
  if (options.joined !== false) slack.joinChannel(CHANNEL);
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-doctor-'));
  stops.push(() => fs.rm(stateDir, { recursive: true, force: true }));
  const env = {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    SLACK_API_URL: slack.apiUrl,
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    STATE_DIR: stateDir,
  };
  return { env, gateway, slack };
}

const log = pino({ level: 'silent' });

describe('doctor', () => {
  it('passes every check on a healthy setup', async () => {
    const { env } = await setup();
    const results = await runDoctor(env, log);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'configuration',
      'STATE_DIR writable',
      'Slack auth.test',
      'Slack scopes',
      'pairing channel',
      'gateway handshake',
      'gateway scopes',
    ]);
  });

  it('names each failure with its fix: bot not in the channel, wrong gateway token', async () => {
    const { env } = await setup({ joined: false });
    const results = await runDoctor({ ...env, OPENCLAW_GATEWAY_TOKEN: 'wrong-token-value' }, log);
    const text = formatChecklist(results);
    expect(text).toContain('✗ pairing channel');
    expect(text).toContain('/invite');
    expect(text).toMatch(/✗ gateway handshake: .*AUTH_TOKEN_MISMATCH/);
    expect(text).toContain('OPENCLAW_GATEWAY_TOKEN');
    expect(text).not.toContain('wrong-token-value');
  });

  it('warns that shell-capable nodes cannot be approved without operator.admin', async () => {
    const { env, gateway } = await setup({ grantScopes: (s) => s.filter((x) => x !== 'operator.admin') });
    gateway.requestNodePairing({ displayName: 'shell', commands: ['system.run'] });
    const results = await runDoctor(env, log);
    expect(results.find((r) => r.name === 'gateway scopes')).toMatchObject({
      ok: false,
      detail: 'missing operator.admin',
    });
    expect(results.find((r) => r.name.startsWith('operator.admin'))?.detail).toMatch(/1 pending now/);
  });

  it('reports every configuration problem at once', async () => {
    const results = await runDoctor({}, log);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'configuration', ok: false });
    expect(results[0]?.detail).toMatch(/SLACK_BOT_TOKEN.*OPENCLAW_PAIRING_CHANNEL/s);
  });
});
