/**
 * The whole bot and a fake Slack for benchmarks: like the integration harness's `startSlackBot`, but
 * logging at the production default (`info`) into a sink instead of keeping debug lines in memory,
 * and with a sub-millisecond clock on the fake Slack so its receive timestamps are precise.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Bot, startBot } from '../../../src/bot.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { FakeGateway } from '../../fakes/fake-gateway/index.js';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { FakeSlackOptions } from '../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, SECRETS, STRANGER, TEAM } from '../../integration/support/bot-harness.js';
import { hiResNowMs } from './clock.js';

export { ADMIN, APPROVER, CHANNEL, SECRETS, STRANGER };

/** Counts log bytes and lines, then drops them (pino still serialises every line). */
export class LogSink extends Writable {
  lines = 0;
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines += 1;
    this.bytes += chunk.length;
    done();
  }
}

export interface BenchBotOptions {
  readonly env?: Record<string, string>;
  readonly slack?: Partial<FakeSlackOptions>;
  readonly logLevel?: string;
}

/** A fake Slack plus the bot, connected to `gateway` over loopback Socket Mode. */
export interface BenchBot {
  readonly slack: FakeSlack;
  readonly bot: Bot;
  readonly logs: LogSink;
  stop(): Promise<void>;
}

/** The FakeSlack options the harness uses (same tokens and ids), with a sub-millisecond clock. */
export function benchSlackOptions(overrides: Partial<FakeSlackOptions> = {}): FakeSlackOptions {
  return {
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    signingSecret: SECRETS.signingSecret,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
    botId: 'B0BOTID001',
    nowMs: hiResNowMs,
    ...overrides,
  };
}

/** Starts a fake Slack and the bot against `gateway`; resolves once both connections are up. */
export async function startBenchBot(
  gateway: { url: string; token: string },
  options: BenchBotOptions = {},
): Promise<BenchBot> {
  const slack = new FakeSlack(benchSlackOptions(options.slack));
  await slack.start();
  slack.addChannel(CHANNEL);
  slack.joinChannel(CHANNEL);
  slack.allowInjection({ userIds: [APPROVER, ADMIN, STRANGER] });
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-bench-'));
  const logs = new LogSink();
  const config = loadConfig({
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: gateway.token,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_APPROVERS: APPROVER,
    OPENCLAW_ADMINS: ADMIN,
    STATE_DIR: stateDir,
    ...options.env,
  });
  const cleanup = async () => {
    await slack.stop();
    await fs.rm(stateDir, { recursive: true, force: true });
  };
  let bot: Bot;
  try {
    bot = await startBot({ config, log: createLogger(options.logLevel ?? 'info', logs) });
  } catch (err) {
    await cleanup();
    throw err;
  }
  const stop = async () => {
    await bot.stop();
    await cleanup();
  };
  try {
    await bot.gateway.waitUntilConnected(30_000);
    await slack.waitForSocketConnections(1, { timeoutMs: 5_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { slack, bot, logs, stop };
}

/** A fake gateway (already started) with the bot and a fake Slack against it. */
export interface BenchHarness extends BenchBot {
  readonly gateway: FakeGateway;
}

/** Starts the fake gateway, lets `prepare` fill it before the bot connects, then starts the bot. */
export async function startBenchHarness(
  options: BenchBotOptions & { prepare?: (gateway: FakeGateway) => void } = {},
): Promise<BenchHarness> {
  const gateway = new FakeGateway({ token: SECRETS.gatewayToken });
  await gateway.start();
  options.prepare?.(gateway);
  let bench: BenchBot;
  try {
    bench = await startBenchBot({ url: gateway.url, token: SECRETS.gatewayToken }, options);
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  return {
    ...bench,
    gateway,
    async stop() {
      await bench.stop();
      await gateway.stop({ graceMs: 100 });
    },
  };
}
