import crypto from 'node:crypto';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { DeviceIdentity } from './gateway/device-identity.js';
import { GatewayClient } from './gateway/gateway-client.js';
import { NodeManager } from './gateway/nodes.js';
import { HealthServer } from './http/health-server.js';
import { createMetrics, type Metrics } from './metrics.js';
import { PairingDecider } from './pairing/decider.js';
import { createFingerprinter } from './pairing/fingerprint.js';
import { PairingWatcher } from './pairing/pairing-watcher.js';
import { SqliteStore } from './pairing/sqlite-store.js';
import type { PairingStore } from './pairing/store.js';
import { CommandPolicy } from './policy/command-policy.js';
import type { CardContext } from './slack/blocks/pairing-card.js';
import { toBoltLogger } from './slack/bolt-logger.js';
import { CardPublisher } from './slack/card-publisher.js';
import type { CommandDeps } from './slack/commands/command-context.js';
import { NodeDirectory } from './slack/commands/node-directory.js';
import { GatewayAlerts } from './slack/gateway-alerts.js';
import { register as registerCommandConfirm } from './slack/listeners/actions/command-confirm.js';
import { register as registerNodesPage } from './slack/listeners/actions/nodes-page.js';
import { register as registerPairingDecision } from './slack/listeners/actions/pairing-decision.js';
import { register as registerPairingReview } from './slack/listeners/actions/pairing-review.js';
import { register as registerOpenclawCommand } from './slack/listeners/commands/openclaw.js';
import { Principals } from './slack/principals.js';
import { ReviewModals } from './slack/review-modals.js';
import {
  canReadHistory,
  createSlackApp,
  registerWorkspaceGuard,
  SLACK_CALL_TIMEOUT_MS,
  type SlackIdentity,
} from './slack/slack-app.js';
import { appTokenFix, botTokenFix, describeSlackError } from './slack/slack-errors.js';
import { loadOrCreateSecret } from './state/install-secret.js';
import { prepareStateDir } from './state/state-dir.js';

export interface BotOptions {
  config: Config;
  log: Logger;
  /** Defaults to SQLite in STATE_DIR; tests may pass `new SqliteStore(':memory:')`. */
  store?: PairingStore;
  nowMs?: () => number;
  reconcileIntervalMs?: number;
}

/** Everything running, for `main.ts` and for tests that drive the whole bot in-process. */
export interface Bot {
  readonly port: number;
  readonly gateway: GatewayClient;
  readonly nodes: NodeManager;
  readonly store: PairingStore;
  readonly publisher: CardPublisher;
  readonly watcher: PairingWatcher;
  readonly metrics: Metrics;
  readonly slack: SlackIdentity;
  stop(): Promise<void>;
}

/** Checks the bot token with auth.test; the answer pins the workspace requests must come from. */
export async function verifySlackAuth(config: Config, log: Logger): Promise<SlackIdentity> {
  const client = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 2 },
    timeout: SLACK_CALL_TIMEOUT_MS,
    logger: toBoltLogger(log.child({ component: 'slack' })),
  });
  let auth: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    auth = await client.auth.test();
  } catch (err) {
    throw new StartupError(`Slack refused SLACK_BOT_TOKEN (${describeSlackError(err)})`, botTokenFix(err), {
      cause: err,
    });
  }
  return {
    teamId: auth.team_id ?? '',
    enterpriseId: auth.enterprise_id || undefined,
    botId: auth.bot_id ?? '',
    botUserId: auth.user_id ?? '',
    scopes: auth.response_metadata?.scopes,
  };
}

/** Warns (and keeps running: the bot may be invited later) when the pairing channel is not one the bot can post in. */
async function checkPairingChannel(client: WebClient, channel: string, log: Logger): Promise<void> {
  try {
    const info = await client.conversations.info({ channel });
    if (info.channel?.is_member !== true) {
      log.warn(
        { channel },
        `the bot is not in the pairing channel ${channel}: cards cannot be posted until someone invites it there (/invite @OpenClaw)`,
      );
    }
  } catch (err) {
    log.warn(
      { channel, error: describeSlackError(err) },
      `cannot see the pairing channel ${channel} (${describeSlackError(err)}): use the channel id from the channel details (C… or G…) and invite the bot; cards wait until then`,
    );
  }
}

/** Composition root: gateway session, store, pairing domain, Slack app and HTTP endpoints, started in that order. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { config, log } = options;
  const nowMs = options.nowMs ?? Date.now;
  const metrics = createMetrics();
  await prepareStateDir(config.stateDir);
  const identity = await DeviceIdentity.loadOrCreate(config.stateDir, nowMs);
  const store = options.store ?? SqliteStore.open(config.stateDir);
  const fingerprint = createFingerprinter(await loadOrCreateSecret(path.join(config.stateDir, 'fingerprint.key')));
  const slack = await verifySlackAuth(config, log);
  log.info({ team: slack.teamId, bot: slack.botUserId }, 'Slack auth ok');

  const gateway = new GatewayClient({
    url: config.gateway.url,
    auth: config.gateway.auth,
    scopes: config.gateway.scopes,
    displayName: config.gateway.clientName,
    signer: identity,
    log: log.child({ component: 'gateway' }),
    nowMs,
  });
  const nodes = new NodeManager(gateway);
  const { app, httpListener } = createSlackApp(config, slack, log);
  const audit = new AuditLog(store, log.child({ component: 'audit' }), nowMs);
  const policy = new CommandPolicy({
    ordinary: config.access.ordinaryCommands,
    allowSystemRun: config.access.allowSystemRun,
  });
  const deciders = { approvers: config.access.approvers.length, admins: config.access.admins.length };
  const cardContext = (): CardContext => ({ deciders, policy, nowMs: nowMs() });
  const principals = new Principals(app.client, log.child({ component: 'principals' }));
  const publisher = new CardPublisher({
    client: app.client,
    store,
    channel: config.pairing.channel,
    log: log.child({ component: 'cards' }),
    context: () => ({ deciders, policy }),
    canReadHistory: (channel) => canReadHistory(slack, channel),
    onSlackError: (method, error) => metrics.slackErrors.inc({ method, error: error.split(':')[0] ?? error }),
    nowMs,
  });
  const watcher: PairingWatcher = new PairingWatcher({
    gateway: nodes,
    events: gateway,
    store,
    audit,
    fingerprint,
    log: log.child({ component: 'pairing' }),
    onChange: () => publisher.schedule(),
    onReconciled: (): Promise<void> => decider.resumeClaims(),
    reconcileIntervalMs: options.reconcileIntervalMs,
    nowMs,
  });
  const decider: PairingDecider = new PairingDecider({
    gateway: nodes,
    store,
    audit,
    policy,
    watcher,
    access: config.access,
    isMember: principals.isMember,
    fingerprint,
    log: log.child({ component: 'decisions' }),
    onChange: () => publisher.schedule(),
    onOutcome: (outcome) => metrics.decisions.inc({ outcome }),
    nowMs,
  });

  registerWorkspaceGuard(app, slack, log);
  const modals = new ReviewModals({ store, context: cardContext, log: log.child({ component: 'modals' }) });
  registerPairingReview(app, { modals, log: log.child({ component: 'clicks' }) });
  registerPairingDecision(app, {
    decider,
    audit,
    modals,
    log: log.child({ component: 'clicks' }),
    syncCards: () => publisher.sync(),
    observeAckMs: (ms) => metrics.clickAck.observe(ms / 1000),
  });
  const commandDeps: CommandDeps = {
    nodes,
    directory: new NodeDirectory(nodes),
    gatewayStatus: () => gateway.getStatus(),
    store,
    decider,
    audit,
    isMember: principals.isMember,
    access: config.access,
    policy,
    cardContext,
    log: log.child({ component: 'commands' }),
    nowMs,
    newId: () => crypto.randomUUID(),
    syncCards: () => publisher.sync(),
  };
  registerOpenclawCommand(app, commandDeps, (ms) => metrics.commandAck.observe(ms / 1000));
  registerNodesPage(app, commandDeps);
  registerCommandConfirm(app, commandDeps);
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });

  const server = new HealthServer({
    port: config.http.port,
    registry: metrics.registry,
    fallback: httpListener,
    readiness: () => {
      const status = gateway.getStatus();
      return {
        ready: status.state === 'connected',
        detail: { gateway: status.state, since: new Date(status.sinceMs).toISOString(), lastError: status.lastError },
      };
    },
    beforeMetrics: () => {
      const status = gateway.getStatus();
      metrics.gatewayConnected.set(status.state === 'connected' ? 1 : 0);
      if (status.lastFrameAtMs) metrics.gatewayLastEventAge.set((nowMs() - status.lastFrameAtMs) / 1000);
      metrics.pendingRequests.set(store.listByStatus('pending').length);
    },
  });
  const alerts = new GatewayAlerts({
    client: app.client,
    channel: config.pairing.channel,
    log: log.child({ component: 'alerts' }),
    alertAfterMs: config.pairing.alertAfterMs,
    nowMs,
  });
  gateway.onStateChange((s) => {
    if (s.state === 'reconnecting') metrics.gatewayReconnects.inc();
    alerts.onStatus(s);
  });

  watcher.start();
  const port = await server.start();
  if (config.slack.socketMode) {
    try {
      await app.start();
    } catch (err) {
      await server.stop();
      throw new StartupError(`Slack refused SLACK_APP_TOKEN (${describeSlackError(err)})`, appTokenFix(err), {
        cause: err,
      });
    }
  }
  void checkPairingChannel(app.client, config.pairing.channel, log.child({ component: 'slack' }));
  gateway.start();
  publisher.schedule(0);
  log.info({ port, mode: config.slack.socketMode ? 'socket' : 'http' }, 'openclaw-slack-ops started');

  return {
    port,
    gateway,
    nodes,
    store,
    publisher,
    watcher,
    metrics,
    slack,
    async stop() {
      // Stop taking new work, finish what is in flight (bounded), then close the gateway session and the store.
      if (config.slack.socketMode) await app.stop();
      const serverClosed = server.stop();
      watcher.stop();
      await decider.drain(5_000);
      await publisher.stop(5_000);
      await alerts.stop();
      await gateway.stop();
      await serverClosed;
      store.close();
    },
  };
}
