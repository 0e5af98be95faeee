/**
 * The whole bot and a fake Slack for benchmarks: like the integration harness's `startSlackBot`, but
 * logging at the production default (`info`) into a sink instead of keeping debug lines in memory,
 * and with a sub-millisecond clock on the fake Slack so its receive timestamps are precise.
 */
import { Writable } from 'node:stream';
import type { Bot } from '../../../src/bot.js';
import type { FakeGateway } from '../../fakes/fake-gateway/index.js';
import type { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { FakeSlackOptions } from '../../fakes/fake-slack/types.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  SECRETS,
  STRANGER,
  startHarness,
  startSlackBot,
  TEAM,
} from '../../integration/support/bot-harness.js';
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

/** The integration harness's options for a benchmark: info-level logs into a sink, the precise clock. */
function harnessOptions(options: BenchBotOptions, logs: LogSink) {
  return {
    ...(options.env ? { env: options.env } : {}),
    slack: { nowMs: hiResNowMs, ...options.slack },
    log: { level: options.logLevel ?? 'info', destination: logs },
  };
}

/** Starts a fake Slack and the bot against `gateway` (the integration harness's startSlackBot). */
export async function startBenchBot(
  gateway: { url: string; token: string },
  options: BenchBotOptions = {},
): Promise<BenchBot> {
  const logs = new LogSink();
  const started = await startSlackBot(gateway, harnessOptions(options, logs));
  return { slack: started.slack, bot: started.bot, logs, stop: () => started.stop() };
}

/** A fake gateway (already started) with the bot and a fake Slack against it. */
export interface BenchHarness extends BenchBot {
  readonly gateway: FakeGateway;
}

/** Starts the fake gateway, lets `prepare` fill it before the bot connects, then starts the bot. */
export async function startBenchHarness(
  options: BenchBotOptions & { prepare?: (gateway: FakeGateway) => void } = {},
): Promise<BenchHarness> {
  const logs = new LogSink();
  const h = await startHarness({
    ...harnessOptions(options, logs),
    ...(options.prepare ? { prepareGateway: options.prepare } : {}),
  });
  return { slack: h.slack, bot: h.bot, gateway: h.gateway, logs, stop: () => h.stop() };
}
