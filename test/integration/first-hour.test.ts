import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { StartupError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { FakeGateway } from '../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../fakes/fake-slack/fake-slack.js';
import {
  CHANNEL,
  firstGateway,
  type Harness,
  LogCapture,
  MANIFEST_SCOPES,
  SECRETS,
  STRANGER,
  startHarness,
  TEAM,
} from './support/bot-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function fakeSlack(joined = true): Promise<FakeSlack> {
  const slack = new FakeSlack({
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
    scopes: MANIFEST_SCOPES,
  });
  await slack.start();
  stops.push(() => slack.stop());
  slack.addChannel(CHANNEL);
  if (joined) slack.joinChannel(CHANNEL);
  return slack;
}

async function baseEnv(slack: FakeSlack, gatewayUrl: string): Promise<Record<string, string>> {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-first-'));
  stops.push(() => fs.rm(stateDir, { recursive: true, force: true }));
  return {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    OPENCLAW_GATEWAY_URL: gatewayUrl,
    OPENCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_ADMINS: 'U0ADMIN001',
    STATE_DIR: stateDir,
  };
}

async function boot(env: Record<string, string>): Promise<{ bot: Bot; logs: LogCapture }> {
  const logs = new LogCapture();
  const bot = await startBot({ config: loadConfig(env), log: createLogger('info', logs) });
  stops.push(() => bot.stop());
  return { bot, logs };
}

/** `npm start`'s process (`src/main.ts`), until it exits; its stdout is the JSON log. */
function runMain(env: Record<string, string>): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, path.join(ROOT, 'src/main.ts')],
      { cwd: os.tmpdir(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (err, stdout) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          lines: stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        }),
    );
  });
}

describe('start-up errors name the fix', () => {
  it('refuses a bot token Slack rejects, saying to reinstall; main logs it as one JSON fatal line', async () => {
    const slack = await fakeSlack();
    const env = {
      ...(await baseEnv(slack, `ws://127.0.0.1:${await closedPort()}`)),
      SLACK_BOT_TOKEN: 'xoxb-9-revoked',
    };
    const failed = await startBot({ config: loadConfig(env), log: createLogger('silent') }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StartupError);
    expect((failed as StartupError).message).toMatch(/Slack refused SLACK_BOT_TOKEN \(invalid_auth/);
    expect((failed as StartupError).fix).toMatch(/reinstall the app/);
    const { code, lines } = await runMain(env);
    expect(code).toBe(1);
    const fatal = lines.find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(
      /failed to start: Slack refused SLACK_BOT_TOKEN .*Fix: SLACK_BOT_TOKEN is invalid or revoked/,
    );
    expect(JSON.stringify(lines)).not.toContain('xoxb-9-revoked');
  });

  it('refuses an app token Slack rejects, saying how to make one', async () => {
    const slack = await fakeSlack();
    const env = {
      ...(await baseEnv(slack, `ws://127.0.0.1:${await closedPort()}`)),
      SLACK_APP_TOKEN: 'xapp-9-revoked',
    };
    const failed = await startBot({ config: loadConfig(env), log: createLogger('silent') }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StartupError);
    expect((failed as StartupError).message).toMatch(/Slack refused SLACK_APP_TOKEN/);
    expect((failed as StartupError).fix).toMatch(/App-Level Tokens .*connections:write/);
  });

  it('logs an invalid configuration as one JSON fatal line and exits 2', async () => {
    const { code, lines } = await runMain({ OPENCLAW_PAIRING_CHANNEL: '' });
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 60,
      problems: expect.arrayContaining([expect.stringMatching(/^OPENCLAW_PAIRING_CHANNEL: is set but empty/)]),
    });
  });

  it('says the gateway cannot be reached (URL, "is the gateway running?"), not "connection lost", and keeps trying', async () => {
    const slack = await fakeSlack();
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const { bot, logs } = await boot(await baseEnv(slack, url));
    await expect.poll(() => logs.text, { timeout: 5_000 }).toContain(`cannot reach the gateway at ${url}`);
    expect(logs.text).toContain('is the gateway running');
    expect(logs.text).not.toContain('connection lost');
    expect(firstGateway(bot).client.getStatus().state).toBe('reconnecting');
  });

  it('warns at start when the bot is not in the pairing channel, and keeps running', async () => {
    const gateway = new FakeGateway({ token: SECRETS.gatewayToken });
    await gateway.start();
    stops.push(() => gateway.stop());
    const slack = await fakeSlack(false);
    const { bot, logs } = await boot(await baseEnv(slack, gateway.url));
    await expect
      .poll(() => logs.text, { timeout: 5_000 })
      .toContain('the bot is not in the pairing channel C0PAIRING1');
    expect(logs.text).toContain('/invite @OpenClaw');
    await firstGateway(bot).client.waitUntilConnected(5_000);
  });
});

describe('answers while the gateway is down', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('never says "nothing is waiting": pending says the gateway is down, since when, and the last error', async () => {
    h = await startHarness();
    const handle = await h.slack.command('pending', { user_id: STRANGER, channel_id: CHANNEL });
    expect(JSON.stringify((await handle.nextResponse()).body)).toContain('Nothing is waiting');
    await h.gateway.stop();
    await expect.poll(() => firstGateway((h as Harness).bot).client.isConnected, { timeout: 5_000 }).toBe(false);
    for (const text of ['pending', 'nodes', 'presence', 'describe x']) {
      const answer = await h.slack.command(text, { user_id: STRANGER, channel_id: CHANNEL });
      const body = JSON.stringify((await answer.nextResponse()).body);
      expect([text, body]).not.toEqual([text, expect.stringContaining('Nothing is waiting')]);
      expect([text, /unreachable|down|reconnecting/i.test(body)]).toEqual([text, true]);
    }
  });
});
