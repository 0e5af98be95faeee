/**
 * Several bot processes (`node --import tsx src/main.ts`, each in its own process group) on one PostgreSQL
 * database, with the fake gateway and the fake Slack in the test process. HTTP mode by default, so a test
 * chooses which replica Slack delivers a command or click to, as a load balancer would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { type GroupProcess, spawnGroup } from '../../../e2e/support/process-group.js';
import { FakeGateway } from '../../../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../../../fakes/fake-slack/fake-slack.js';
import type { FakeSlackOptions } from '../../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, MANIFEST_SCOPES, SECRETS, STRANGER, TEAM } from '../../support/bot-harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** One JSON log line of a replica. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number; time?: number };

/** A running bot process. */
export interface Replica {
  readonly name: string;
  readonly process: GroupProcess;
  readonly port: number;
  /** Where Slack delivers HTTP-mode commands and clicks to this replica. */
  readonly target: { readonly url: string };
  logs(): LogLine[];
  /** Resolves with the first log line (from now on, or already logged when `past`) matching `match`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number, past?: boolean): Promise<LogLine>;
  /** SIGTERM and wait (a clean stop releases the lease). */
  stop(): Promise<void>;
}

export interface ReplicaSetOptions {
  readonly databaseUrl: string;
  readonly mode?: 'http' | 'socket';
  readonly env?: Record<string, string>;
  /** Bot scopes the fake Slack grants (default: the manifest's). */
  readonly scopes?: readonly string[];
  /** More fake Slack options (benchmarks pass a sub-millisecond clock). */
  readonly slack?: Partial<FakeSlackOptions>;
}

/** Bot processes and the fake Slack they share, against any gateway (fake or real). */
export interface Replicas {
  readonly slack: FakeSlack;
  readonly databaseUrl: string;
  readonly replicas: Replica[];
  /** Starts one more replica named `name` (also its OPENCLAW_REPLICA_ID). */
  start(name: string, env?: Record<string, string>): Promise<Replica>;
  /** The replica holding the lease of `gateway` now (by the database), if any. */
  holder(gateway?: string): Promise<Replica | undefined>;
  /** Runs SQL on the replicas' database (tests read the audit and the leases directly). */
  query<R extends object>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Waits until nothing is waiting for Slack (no card to post or update, no queued message), by the database. */
  waitForSlackWork(timeoutMs?: number): Promise<void>;
  /** Waits until some replica holds the lease (other than `not`), and returns it. */
  waitForHolder(options?: { readonly not?: Replica; readonly timeoutMs?: number }): Promise<Replica>;
  stop(): Promise<void>;
}

/** Replicas against an in-process fake gateway. */
export interface ReplicaSet extends Replicas {
  readonly gateway: FakeGateway;
}

function parseLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(raw) as LogLine);
    } catch {
      // a line cut in the middle by the output buffer: skip it
    }
  }
  return lines;
}

function startReplica(name: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Replica> {
  // The loader by path: the replica runs in a folder of its own (no .env of the checkout is read there).
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawnGroup(process.execPath, ['--import', tsx, path.join(ROOT, 'src/main.ts')], { cwd, env });
  const logs = () => parseLines(child.stdout());
  const waitForLog = async (match: (line: LogLine) => boolean, timeoutMs = 20_000, past = true) => {
    const skip = past ? 0 : logs().length;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs().slice(skip).find(match);
      if (found) return found;
      if (child.hasExited()) throw new Error(`replica ${name} exited:\n${child.output().slice(-3_000)}`);
      if (Date.now() > deadline) {
        throw new Error(
          `replica ${name}: no matching log line within ${timeoutMs} ms:\n${child.output().slice(-3_000)}`,
        );
      }
      await Promise.race([child.exited, new Promise((r) => setTimeout(r, 25))]);
    }
  };
  return waitForLog((l) => l.msg === 'openclaw-slack-ops started', START_TIMEOUT_MS).then((started) => {
    const port = Number(started.port);
    return {
      name,
      process: child,
      port,
      target: { url: `http://127.0.0.1:${port}/slack/events` },
      logs,
      waitForLog,
      async stop() {
        await child.end('SIGTERM', 20_000);
      },
    };
  });
}

/** Starts the fake gateway and fake Slack, and `count` replicas r1…rN on `databaseUrl`. */
export async function startReplicaSet(count: number, options: ReplicaSetOptions): Promise<ReplicaSet> {
  const gateway = new FakeGateway({ token: SECRETS.gatewayToken });
  await gateway.start();
  const replicas = await startReplicas(count, {
    ...options,
    gateway: { url: gateway.url, token: SECRETS.gatewayToken },
  });
  const stopReplicas = replicas.stop;
  return Object.assign(replicas, {
    gateway,
    async stop() {
      await stopReplicas();
      await gateway.stop();
    },
  });
}

/** Starts a fake Slack and `count` replicas r1…rN on `databaseUrl` against `options.gateway`. */
export async function startReplicas(
  count: number,
  options: ReplicaSetOptions & { readonly gateway: { readonly url: string; readonly token: string } },
): Promise<Replicas> {
  const mode = options.mode ?? 'http';
  const gateway = options.gateway;
  const slack = new FakeSlack({
    botToken: SECRETS.botToken,
    appToken: SECRETS.appToken,
    signingSecret: SECRETS.signingSecret,
    teamId: TEAM,
    botUserId: 'U0BOTUSER1',
    botId: 'B0BOTID001',
    scopes: options.scopes ?? MANIFEST_SCOPES,
    ...options.slack,
  });
  await slack.start();
  slack.addChannel(CHANNEL);
  slack.joinChannel(CHANNEL);
  slack.allowInjection({ userIds: [APPROVER, ADMIN, STRANGER, 'U0SECOND01'] });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ocso-replicas-'));
  const baseEnv = (name: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: work,
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: gateway.token,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_APPROVERS: APPROVER,
    OPENCLAW_ADMINS: ADMIN,
    OPENCLAW_REPLICA_ID: name,
    OPENCLAW_LEASE_TTL_MS: '2000',
    DATABASE_URL: options.databaseUrl,
    STATE_DIR: path.join(work, name),
    LOG_LEVEL: 'debug',
    ...(mode === 'socket' ? { SLACK_APP_TOKEN: SECRETS.appToken } : { SLACK_SIGNING_SECRET: SECRETS.signingSecret }),
    ...options.env,
  });
  const replicas: Replica[] = [];
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  db.on('error', () => undefined);

  const set: Replicas = {
    slack,
    databaseUrl: options.databaseUrl,
    replicas,
    async start(name, env = {}) {
      const replica = await startReplica(name, { ...baseEnv(name), ...env }, work);
      replicas.push(replica);
      return replica;
    },
    async holder(gw = 'default') {
      const { rows } = await db.query<{ holder: string }>(
        'SELECT holder FROM leases WHERE name = $1 AND expires_at > clock_timestamp()',
        [`gateway:${gw}`],
      );
      return replicas.find((r) => r.name === rows[0]?.holder);
    },
    async waitForHolder({ not, timeoutMs = 15_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await set.holder().catch(() => undefined);
        if (found && found !== not && !found.process.hasExited()) return found;
        if (Date.now() > deadline) throw new Error(`no replica took the lease within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async query<R extends object>(sql: string, params: unknown[] = []) {
      return (await db.query<R>(sql, params)).rows;
    },
    async waitForSlackWork(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await db.query<{ waiting: string }>(
          'SELECT (SELECT count(*) FROM requests WHERE dirty) + (SELECT count(*) FROM outbox) AS waiting',
        );
        if (Number(rows[0]?.waiting) === 0) return;
        if (Date.now() > deadline) throw new Error(`Slack work still waiting after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.process.end('SIGKILL', 5_000)));
      await db.end();
      await slack.stop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
  const started = await Promise.all(
    Array.from({ length: count }, (_, i) => startReplica(`r${i + 1}`, baseEnv(`r${i + 1}`), work)),
  );
  replicas.push(...started);
  if (mode === 'socket') await slack.waitForSocketConnections(count, { timeoutMs: 20_000 });
  return set;
}
