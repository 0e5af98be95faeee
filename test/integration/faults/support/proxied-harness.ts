/** The whole bot in Socket Mode with its Web API calls going through a {@link LossySlackProxy}. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Bot, startBot } from '../../../../src/bot.js';
import { loadConfig } from '../../../../src/config.js';
import { createLogger } from '../../../../src/logger.js';
import { FakeGateway } from '../../../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../../../fakes/fake-slack/fake-slack.js';
import { ADMIN, APPROVER, CHANNEL, LogCapture, SECRETS, STRANGER, TEAM } from '../../support/bot-harness.js';
import { LossySlackProxy } from './lossy-slack-proxy.js';

export interface ProxiedHarness {
  gateway: FakeGateway;
  slack: FakeSlack;
  proxy: LossySlackProxy;
  bot: Bot;
  logs: LogCapture;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startProxiedHarness(): Promise<ProxiedHarness> {
  const gateway = new FakeGateway({ token: SECRETS.gatewayToken, issueDeviceToken: true });
  await gateway.start();
  const slack = new FakeSlack({
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    signingSecret: SECRETS.signingSecret,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
    botId: 'B0BOTID001',
    rateLimit: { perChannelPerSec: 1000, burst: 1000 },
  });
  await slack.start();
  slack.addChannel(CHANNEL);
  slack.joinChannel(CHANNEL);
  slack.allowInjection({ userIds: [APPROVER, ADMIN, STRANGER] });
  const proxy = new LossySlackProxy(slack.baseUrl);
  await proxy.start();
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-fault-'));
  const logs = new LogCapture();
  const config = loadConfig({
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    SLACK_API_URL: proxy.apiUrl,
    PORT: '0',
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_APPROVERS: APPROVER,
    OPENCLAW_ADMINS: ADMIN,
    STATE_DIR: stateDir,
    LOG_LEVEL: 'debug',
  });
  const bot = await startBot({ config, log: createLogger('debug', logs) });
  await bot.gateway.waitUntilConnected(30_000);
  await slack.waitForSocketConnections(1, { timeoutMs: 5_000 });
  return {
    gateway,
    slack,
    proxy,
    bot,
    logs,
    stateDir,
    async stop() {
      await bot.stop();
      await proxy.stop();
      await slack.stop();
      await gateway.stop();
      await fs.rm(stateDir, { recursive: true, force: true });
    },
  };
}
