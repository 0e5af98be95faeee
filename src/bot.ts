import crypto from 'node:crypto';
import os from 'node:os';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { DomainEvents } from './events/domain-events.js';
import { HealthServer } from './http/health-server.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createFingerprinter } from './pairing/fingerprint.js';
import type { RequestRecord } from './pairing/types.js';
import { CommandPolicy } from './policy/command-policy.js';
import { type Coordinator, createCoordinator } from './replicas/create-coordinator.js';
import { createGatewayRuntime } from './runtime/create-gateway.js';
import { Gateways } from './runtime/gateways.js';
import type { CardContext } from './slack/blocks/pairing-card.js';
import { toBoltLogger } from './slack/bolt-logger.js';
import { CardSync } from './slack/delivery/card-sync.js';
import { DeliveryLoop } from './slack/delivery/delivery-loop.js';
import { OutboxDelivery } from './slack/delivery/outbox-delivery.js';
import { SlackCalls } from './slack/delivery/slack-calls.js';
import { registerListeners } from './slack/listeners/register-listeners.js';
import { Principals } from './slack/principals.js';
import { canReadHistory, createSlackApp, SLACK_CALL_TIMEOUT_MS, type SlackIdentity } from './slack/slack-app.js';
import { appTokenFix, botTokenFix, describeSlackError } from './slack/slack-errors.js';
import { prepareStateDir } from './state/state-dir.js';
import type { Storage } from './storage/ports.js';
import { openPostgresStorage } from './storage/postgres/postgres-storage.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';

export interface BotOptions {
  config: Config;
  log: Logger;
  /** Defaults to PostgreSQL (DATABASE_URL) or SQLite in STATE_DIR; tests may pass the memory storage. */
  storage?: Storage;
  /**
   * `replicas` shares the gateways' background work with other processes on the same storage (leases); `solo`
   * does all of it here. Default: replicas on PostgreSQL, solo on SQLite.
   */
  coordination?: 'solo' | 'replicas';
  /** Replicas: how often a holder looks for waiting work besides the notices (default 5 s). */
  pollEveryMs?: number;
  nowMs?: () => number;
  reconcileIntervalMs?: number;
  /** How often time-bound approvals are checked for their end (default 5 s). */
  expiryCheckMs?: number;
  supersedeGraceMs?: number;
}

/** Everything running, for `main.ts` and for tests that drive the whole bot in-process. */
export interface Bot {
  readonly port: number;
  readonly gateways: Gateways;
  readonly storage: Storage;
  readonly delivery: DeliveryLoop;
  readonly events: DomainEvents;
  readonly metrics: Metrics;
  readonly slack: SlackIdentity;
  readonly coordinator: Coordinator;
  /** This process's name as a lease holder. */
  readonly replicaId: string;
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

/** Warns (and keeps running: the bot may be invited later) when a pairing channel is not one the bot can post in. */
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

/** PostgreSQL when DATABASE_URL is set (replicas), else SQLite in STATE_DIR (one instance). */
async function openConfiguredStorage(config: Config, log: Logger): Promise<Storage> {
  if (config.storage.kind === 'postgres') {
    // A frozen holder's open transaction is ended well within a lease's life, so it cannot delay the take-over.
    const idleInTransactionMs = Math.max(1_000, Math.floor(config.replicas.leaseTtlMs / 3));
    return openPostgresStorage(config.storage.url, log, { idleInTransactionMs });
  }
  await prepareStateDir(config.stateDir);
  return openSqliteStorage(config.stateDir);
}

/** host-pid-random: unique per process, readable in logs and in the leases table. */
function defaultReplicaId(): string {
  return `${os.hostname().slice(0, 40)}-${process.pid}-${crypto.randomBytes(2).toString('hex')}`;
}

/** Composition root: storage, one runtime per gateway, Slack app, delivery loop and HTTP endpoints. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { config, log } = options;
  const nowMs = options.nowMs ?? Date.now;
  const metrics = createMetrics();
  const storage = options.storage ?? (await openConfiguredStorage(config, log));
  const replicaId = config.replicas.replicaId ?? defaultReplicaId();
  const coordination = options.coordination ?? (config.storage.kind === 'postgres' ? 'replicas' : 'solo');
  const fingerprint = createFingerprinter(await storage.identities.installSecret());
  const slack = await verifySlackAuth(config, log);
  log.info({ team: slack.teamId, bot: slack.botUserId }, 'Slack auth ok');

  const { app, httpListener } = createSlackApp(config, slack, log);
  const domain = new DomainEvents(log.child({ component: 'events' }));
  const audit = new AuditLog(storage.audit, log.child({ component: 'audit' }), nowMs);
  const policy = new CommandPolicy({
    ordinary: config.access.ordinaryCommands,
    allowSystemRun: config.access.allowSystemRun,
  });
  const principals = new Principals(app.client, log.child({ component: 'principals' }));
  const multiple = config.gateways.length > 1;
  const runtimes = [];
  for (const gateway of config.gateways) {
    runtimes.push(
      await createGatewayRuntime(gateway, {
        storage,
        audit,
        domain,
        policy,
        fingerprint,
        access: config.access,
        isMember: principals.isMember,
        log,
        alertAfterMs: config.pairing.alertAfterMs,
        label: multiple ? gateway.id : undefined,
        reconcileIntervalMs: options.reconcileIntervalMs,
        supersedeGraceMs: options.supersedeGraceMs,
        exec: config.exec.enabled ? { approvers: config.exec.approvers } : undefined,
        remindAfterMs: config.fleet.remindAfterMs,
        approvalDurationsMs: config.workflow.durationsMs,
        rules: { requireReason: config.workflow.requireReason, twoPerson: config.workflow.twoPerson },
        expiryCheckMs: options.expiryCheckMs,
        nodeAlerts: config.fleet.nodeAlerts
          ? {
              offlineAfterMs: config.fleet.offlineAfterMs,
              diskPercent: config.fleet.diskPercent,
              channel: config.fleet.alertChannel,
            }
          : undefined,
        claimsShared: coordination === 'replicas',
        nowMs,
      }),
    );
  }
  const gateways = new Gateways(runtimes);
  const deciders = {
    approvers: config.access.approvers.length,
    admins: config.access.admins.length,
    execApprovers: config.exec.approvers.length,
  };
  const cardContext = (): CardContext => ({
    deciders,
    policy,
    nowMs: nowMs(),
    gatewayLabel: (id) => gateways.label(id),
    durationsMs: config.workflow.durationsMs,
  });

  const coordinator = createCoordinator(coordination, {
    gateways: gateways.all(),
    storage,
    metrics,
    log: log.child({ component: 'replicas' }),
    deliver: () => delivery.schedule(),
    replicaId,
    leaseTtlMs: config.replicas.leaseTtlMs,
    pollEveryMs: options.pollEveryMs,
  });
  const slackCalls = new SlackCalls({
    client: app.client,
    log: log.child({ component: 'delivery' }),
    canReadHistory: (channel) => canReadHistory(slack, channel),
    onSlackError: (method, error) => metrics.slackErrors.inc({ method, error: error.split(':')[0] ?? error }),
  });
  const pairingChannelOf = (id: string) =>
    gateways.get(id)?.config.pairingChannel ?? config.gateways[0]?.pairingChannel ?? '';
  const channelOf = (record: RequestRecord) =>
    record.kind === 'exec'
      ? (config.exec.channel ?? pairingChannelOf(record.gateway))
      : pairingChannelOf(record.gateway);
  const delivery: DeliveryLoop = new DeliveryLoop({
    sources: [
      new CardSync({
        slack: slackCalls,
        storage,
        scope: coordinator,
        channelOf,
        log: log.child({ component: 'cards' }),
        context: cardContext,
        again: () => delivery.requestAnotherPass(),
        later: (ms) => delivery.scheduleIn(ms),
        nowMs,
      }),
      new OutboxDelivery({
        slack: slackCalls,
        storage,
        scope: coordinator,
        gatewayLabel: (id) => gateways.label(id),
        receiptNow: async (record) => gateways.get(record.gateway)?.receipts.inEffect(record),
        decidersOf: (record) =>
          record.kind === 'exec'
            ? config.exec.approvers
            : policy.isAdminSensitive(record.request)
              ? config.access.admins
              : [...config.access.approvers, ...config.access.admins],
        nowMs,
      }),
    ],
    log: log.child({ component: 'delivery' }),
    nowMs,
  });
  for (const type of ['request.seen', 'request.changed', 'request.resolved', 'delivery.queued'] as const) {
    domain.on(type, () => delivery.schedule());
  }
  domain.on('decision.made', (e) => metrics.decisions.inc({ outcome: e.outcome, gateway: e.key.gateway }));
  domain.on('gateway.down', (e) => metrics.gatewayReconnects.inc({ gateway: e.gateway }));

  const stopListeners = registerListeners(app, {
    config,
    identity: slack,
    gateways,
    storage,
    audit,
    policy,
    metrics,
    isMember: principals.isMember,
    cardContext,
    syncCards: () => delivery.sync(),
    events: domain,
    log,
    nowMs,
  });

  const server = new HealthServer({
    port: config.http.port,
    registry: metrics.registry,
    fallback: httpListener,
    readiness: async () => {
      const each = Object.fromEntries(
        gateways.all().map((g) => {
          const s = g.client.getStatus();
          const e = g.exec?.client.getStatus();
          const execApprovals = e ? { execApprovals: { state: e.state, lastError: e.lastError } } : {};
          return [
            g.id,
            { state: s.state, since: new Date(s.sinceMs).toISOString(), lastError: s.lastError, ...execApprovals },
          ];
        }),
      );
      // Ready while Slack works (the bot starts only after auth.test) and at least one gateway session is up. The
      // database is not a condition: while it is down the bot still answers every click and command (saying so).
      return {
        ready: gateways.all().some((g) => g.client.isConnected),
        detail: {
          gateways: each,
          replica: replicaId,
          duties: coordinator.describe(),
          ...(storage.health ? { database: await storage.health() } : {}),
        },
      };
    },
    beforeMetrics: async () => {
      const pending = await storage.requests.listByStatus('pending');
      for (const g of gateways.all()) {
        const status = g.client.getStatus();
        metrics.gatewayConnected.set({ gateway: g.id }, status.state === 'connected' ? 1 : 0);
        if (status.lastFrameAtMs)
          metrics.gatewayLastEventAge.set({ gateway: g.id }, (nowMs() - status.lastFrameAtMs) / 1000);
        metrics.pendingRequests.set({ gateway: g.id }, pending.filter((r) => r.gateway === g.id).length);
      }
    },
  });

  await coordinator.start();
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
  const channels = [
    ...config.gateways.map((g) => g.pairingChannel),
    ...(config.exec.enabled && config.exec.channel ? [config.exec.channel] : []),
  ];
  for (const channel of new Set(channels)) {
    void checkPairingChannel(app.client, channel, log.child({ component: 'slack' }));
  }
  for (const g of gateways.all()) {
    g.client.start();
    g.exec?.client.start();
  }
  delivery.schedule();
  log.info(
    { port, mode: config.slack.socketMode ? 'socket' : 'http', gateways: gateways.ids() },
    'openclaw-slack-ops started',
  );

  return {
    port,
    gateways,
    storage,
    delivery,
    events: domain,
    metrics,
    slack,
    coordinator,
    replicaId,
    async stop() {
      // Stop taking new work, finish what is in flight (bounded), then close the gateway sessions and the store.
      if (config.slack.socketMode) await app.stop();
      stopListeners();
      const serverClosed = server.stop();
      await Promise.all(gateways.all().map((g) => g.decider.drain(5_000)));
      // Deliver what is queued while still holding the leases, then give them up for another replica.
      await delivery.stop(5_000);
      await coordinator.stop();
      await Promise.all(gateways.all().map((g) => g.watcher.idle()));
      await Promise.all(gateways.all().flatMap((g) => [g.client.stop(), ...(g.exec ? [g.exec.client.stop()] : [])]));
      await serverClosed;
      // Rows kept while the store was unreachable: one last try (they are in the log lines either way).
      await audit.flush();
      await storage.close();
    },
  };
}
