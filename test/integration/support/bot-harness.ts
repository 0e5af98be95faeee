import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Bot, startBot } from '../../../src/bot.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import type { RequestKind } from '../../../src/pairing/types.js';
import type { GatewayRuntime } from '../../../src/runtime/gateways.js';
import { FakeGateway, type FakeGatewayOptions } from '../../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import type { FakeSlackOptions } from '../../fakes/fake-slack/types.js';

export const CHANNEL = 'C0PAIRING1';
export const TEAM = 'T0TEAM0001';
export const APPROVER = 'U0APPROVER';
export const ADMIN = 'U0ADMIN001';
export const STRANGER = 'U0STRANGER';
export const SECRETS = {
  botToken: 'xoxb-1111-test-bot-token',
  appToken: 'xapp-fake-app-token-for-tests',
  signingSecret: 'test-signing-secret-0123456789',
  gatewayToken: 'gw-token-secret-value',
};

/** The bot scopes an install of manifest.yml grants: the fake Slack refuses every call needing another one. */
export const MANIFEST_SCOPES: readonly string[] = (
  parse(readFileSync(fileURLToPath(new URL('../../../manifest.yml', import.meta.url)), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  }
).oauth_config.scopes.bot;

/** Scopes of an install that also granted the optional history scopes. */
export const SCOPES_WITH_HISTORY: readonly string[] = [...MANIFEST_SCOPES, 'channels:history', 'groups:history'];

/** The first (in single-gateway tests: the only) gateway's runtime of a running bot. */
export function firstGateway(bot: Bot): GatewayRuntime {
  const [first] = bot.gateways.all();
  if (!first) throw new Error('the bot has no gateway');
  return first;
}

/** A stored request of a gateway (`default` unless named). */
export function recordOf(bot: Bot, kind: RequestKind, requestId: string, gateway = 'default') {
  return bot.storage.requests.get({ gateway, kind, requestId });
}

/** Log lines captured in memory, for asserting on logs and on the absence of secrets. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface HarnessOptions {
  mode?: 'socket' | 'http';
  env?: Record<string, string>;
  gateway?: FakeGatewayOptions;
  slack?: Partial<FakeSlackOptions>;
  stateDir?: string;
  reconcileIntervalMs?: number;
  /** How often time-bound approvals are checked for their end (the bot's default: 5 s). */
  expiryCheckMs?: number;
  /** Where the bot sends Web API calls; defaults to the fake's own URL (a test may put a proxy in between). */
  slackApiUrl?: (slack: FakeSlack) => Promise<string>;
  /** Log somewhere else than the in-memory capture (benchmarks log at info into a counting sink). */
  log?: { level: string; destination: Writable };
  /** Fills the fake gateway before the bot connects. */
  prepareGateway?: (gateway: FakeGateway) => void;
  /** Fills the fake Slack (e.g. messages of an earlier run) before the bot starts. */
  prepareSlack?: (slack: FakeSlack) => void;
}

/** A fake gateway, a fake Slack and the whole bot wired to them over loopback. */
export interface Harness extends SlackBot {
  gateway: FakeGateway;
}

/** A fake Slack and the bot, connected to whichever gateway `gatewayUrl` names (fake or real). */
export interface SlackBot {
  slack: FakeSlack;
  bot: Bot;
  logs: LogCapture;
  stateDir: string;
  eventsUrl: string;
  /**
   * Stops the bot and starts it again on the same state; `env` changes configuration for the new run, `whileDown`
   * runs while no bot is up.
   */
  restartBot(env?: Record<string, string>, whileDown?: () => Promise<void>): Promise<Bot>;
  stop(): Promise<void>;
}

/** Starts a fake Slack and the whole bot against `gateway`; `stop()` ends both (not the gateway). */
export async function startSlackBot(
  gateway: { url: string; token: string },
  options: Omit<HarnessOptions, 'gateway'> = {},
): Promise<SlackBot> {
  const mode = options.mode ?? 'socket';
  const slack = new FakeSlack({
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    signingSecret: SECRETS.signingSecret,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
    botId: 'B0BOTID001',
    scopes: MANIFEST_SCOPES,
    ...options.slack,
  });
  await slack.start();
  slack.addChannel(CHANNEL);
  slack.joinChannel(CHANNEL);
  // Mentions the bot builds itself from validated ids of deciders are expected; anything else is a violation.
  slack.allowInjection({ userIds: [APPROVER, ADMIN, STRANGER, 'U0SECOND01'] });
  options.prepareSlack?.(slack);
  const stateDir = options.stateDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-it-')));
  const logs = new LogCapture();
  const baseEnv: Record<string, string> = {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_API_URL: options.slackApiUrl ? await options.slackApiUrl(slack) : slack.apiUrl,
    PORT: '0',
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: gateway.token,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_APPROVERS: APPROVER,
    OPENCLAW_ADMINS: ADMIN,
    STATE_DIR: stateDir,
    LOG_LEVEL: 'debug',
    ...(mode === 'socket' ? { SLACK_APP_TOKEN: SECRETS.appToken } : { SLACK_SIGNING_SECRET: SECRETS.signingSecret }),
    ...options.env,
  };
  let config = loadConfig(baseEnv);
  const boot = async () => {
    const bot = await startBot({
      config,
      log: options.log ? createLogger(options.log.level, options.log.destination) : createLogger('debug', logs),
      reconcileIntervalMs: options.reconcileIntervalMs,
      ...(options.expiryCheckMs === undefined ? {} : { expiryCheckMs: options.expiryCheckMs }),
    });
    await Promise.all(bot.gateways.all().map((g) => g.client.waitUntilConnected(30_000)));
    if (mode === 'socket') await slack.waitForSocketConnections(1, { timeoutMs: 5_000 });
    else slack.useHttp({ url: `http://127.0.0.1:${bot.port}/slack/events` });
    return bot;
  };
  const started: SlackBot = {
    slack,
    bot: await boot(),
    logs,
    stateDir,
    eventsUrl: '',
    async restartBot(env, whileDown) {
      await started.bot.stop();
      await whileDown?.();
      if (env) config = loadConfig({ ...baseEnv, ...env });
      started.bot = await boot();
      started.eventsUrl = `http://127.0.0.1:${started.bot.port}/slack/events`;
      return started.bot;
    },
    async stop() {
      await started.bot.stop();
      await slack.stop();
      if (!options.stateDir) await fs.rm(stateDir, { recursive: true, force: true });
    },
  };
  started.eventsUrl = `http://127.0.0.1:${started.bot.port}/slack/events`;
  return started;
}

/** Starts a fake gateway, a fake Slack and the bot; call `stop()` in afterEach. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const gateway = new FakeGateway({ token: SECRETS.gatewayToken, ...options.gateway });
  await gateway.start();
  options.prepareGateway?.(gateway);
  const slackBot = await startSlackBot({ url: gateway.url, token: SECRETS.gatewayToken }, options);
  const stopSlackBot = slackBot.stop;
  return Object.assign(slackBot, {
    gateway,
    async stop() {
      await stopSlackBot();
      await gateway.stop();
    },
  });
}
