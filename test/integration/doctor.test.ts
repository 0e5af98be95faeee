import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGateway } from '../fakes/fake-gateway/fake-gateway.js';
import { FakeSlack } from '../fakes/fake-slack/fake-slack.js';
import { createTestDatabase } from '../support/test-database.js';
import { ADMIN, CHANNEL, MANIFEST_SCOPES, SECRETS, TEAM } from './support/bot-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'src/main.ts');
/** tsx's loader by absolute URL, so a doctor started in another folder (with its own .env) still finds it. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

interface Setup {
  env: Record<string, string>;
  gateway: FakeGateway;
  slack: FakeSlack;
  dir: string;
}

async function setup(options: { joined?: boolean; grantScopes?: (s: string[]) => string[] } = {}): Promise<Setup> {
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
    scopes: MANIFEST_SCOPES,
  });
  await slack.start();
  stops.push(() => slack.stop());
  slack.addChannel(CHANNEL);
  if (options.joined !== false) slack.joinChannel(CHANNEL);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-doctor-'));
  stops.push(() => fs.rm(dir, { recursive: true, force: true }));
  const env = {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: SECRETS.appToken,
    SLACK_API_URL: slack.apiUrl,
    OPENCLAW_GATEWAY_URL: gateway.url,
    OPENCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
    OPENCLAW_PAIRING_CHANNEL: CHANNEL,
    OPENCLAW_ADMINS: ADMIN,
    STATE_DIR: path.join(dir, 'state'),
  };
  return { env, gateway, slack, dir };
}

/** `npm run doctor`, as its own process (the way a user runs it), from `cwd` (where a `.env` may lie). */
function runDoctor(env: Record<string, string>, cwd = ROOT): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, 'doctor'],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('doctor (its own process)', () => {
  it('passes every check on a healthy setup and exits 0', async () => {
    const { env } = await setup();
    const { code, stdout } = await runDoctor(env);
    expect(stdout).not.toMatch(/[✗⚠]/);
    for (const name of [
      'configuration',
      'admins',
      'STATE_DIR writable',
      'Slack bot token',
      'Slack scopes',
      'Slack app token',
      'pairing channel',
      'gateway handshake',
      'gateway scopes',
    ]) {
      expect(stdout).toContain(`✓ ${name}`);
    }
    expect(code).toBe(0);
  });

  it('checks the exec approvals session when OPENCLAW_EXEC_APPROVALS is on, and fails when its scopes are not granted', async () => {
    const healthy = await setup();
    healthy.gateway.requestExecApproval({ nodeId: 'n1' });
    const on = await runDoctor({ ...healthy.env, OPENCLAW_EXEC_APPROVALS: 'true' });
    expect(on.stdout).toMatch(
      /✓ exec approvals session: connected as an approval route \(cap approvals\); 1 waiting now/,
    );
    expect(on.code).toBe(0);
    const narrow = await setup({ grantScopes: (s) => s.filter((x) => x !== 'operator.approvals') });
    const refused = await runDoctor({ ...narrow.env, OPENCLAW_EXEC_APPROVALS: 'true' });
    expect(refused.stdout).toMatch(/✗ exec approvals session: missing operator\.approvals/);
    expect(refused.code).toBe(1);
  });

  it('checks the database on PostgreSQL: reachable, schema current, who holds each lease; uses the bot device', async () => {
    const { env } = await setup();
    const databaseUrl = await createTestDatabase('doctor');
    const fresh = await runDoctor({ ...env, DATABASE_URL: databaseUrl });
    expect(fresh.stdout).toContain('✓ database reachable: postgres://postgres@127.0.0.1');
    expect(fresh.stdout).toMatch(/✓ database schema: was version 0; applied 1, 2, 3; now 3/);
    expect(fresh.stdout).toMatch(/⚠ lease holder: no replica holds the lease now/);
    expect(fresh.stdout).not.toContain('STATE_DIR writable');
    expect(fresh.stdout).toContain('✓ gateway handshake');
    expect(fresh.code).toBe(0);
    // The doctor's device is the one the bot will use: it lives in the database, not in STATE_DIR.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM identities');
      expect(Number(rows[0]?.n)).toBe(1);
      await db.query(
        `INSERT INTO leases (name, holder, epoch, expires_at, acquired_at)
         VALUES ('gateway:default', 'replica-7', 3, clock_timestamp() + interval '30 seconds', clock_timestamp())`,
      );
    } finally {
      await db.end();
    }
    const again = await runDoctor({ ...env, DATABASE_URL: databaseUrl });
    expect(again.stdout).toMatch(/✓ database schema: version 3, current/);
    expect(again.stdout).toMatch(/✓ lease holder: replica-7 \(epoch 3, \d+ s left\)/);
    const closed = await closedPort();
    const down = await runDoctor({ ...env, DATABASE_URL: `postgres://bot:s3cret-pw@127.0.0.1:${closed}/x` });
    expect(down.stdout).toContain(`✗ database reachable: postgres://bot@127.0.0.1:${closed}/x`);
    expect(down.stdout).toContain('fix: check DATABASE_URL');
    expect(down.stdout).not.toContain('s3cret-pw');
    expect(down.code).toBe(1);
  });

  it('says the gateway is not reachable (closed port) and exits 1, instead of printing nothing', async () => {
    const { env } = await setup();
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const { code, stdout } = await runDoctor({ ...env, OPENCLAW_GATEWAY_URL: url });
    expect(stdout).toMatch(new RegExp(`✗ gateway handshake: ${url}: .*ECONNREFUSED`));
    expect(stdout).toContain('fix: nothing answers at');
    expect(stdout).toContain('is the gateway running');
    expect(code).toBe(1);
  });

  it('says Slack cannot be reached, with the fix, when SLACK_API_URL points nowhere', async () => {
    const { env } = await setup();
    const { code, stdout } = await runDoctor({ ...env, SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/` });
    expect(stdout).toMatch(/✗ Slack bot token: Slack could not be reached/);
    expect(stdout).toContain('fix: check SLACK_BOT_TOKEN, and that SLACK_API_URL reaches Slack from this host');
    expect(code).toBe(1);
  });

  it('names a wrong gateway token with its fix, without printing the token', async () => {
    const { env } = await setup();
    const { code, stdout } = await runDoctor({ ...env, OPENCLAW_GATEWAY_TOKEN: 'wrong-token-value' });
    expect(stdout).toMatch(/✗ gateway handshake: .*AUTH_TOKEN_MISMATCH/);
    expect(stdout).toMatch(/fix: .*OPENCLAW_GATEWAY_TOKEN/);
    expect(stdout).not.toContain('wrong-token-value');
    expect(code).toBe(1);
  });

  it('refuses .env copied unchanged from .env.example, naming each placeholder', async () => {
    const { dir } = await setup();
    copyFileSync(path.join(ROOT, '.env.example'), path.join(dir, '.env'));
    const { code, stdout } = await runDoctor({}, dir);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'OPENCLAW_GATEWAY_TOKEN', 'OPENCLAW_PAIRING_CHANNEL']) {
      expect(stdout).toMatch(new RegExp(`✗ configuration: ${name}: ".*" is the placeholder from .env.example`));
    }
    expect(code).toBe(1);
  });

  it('says what to do when Slack refuses the bot token, or the app token', async () => {
    const { env } = await setup();
    const bot = await runDoctor({ ...env, SLACK_BOT_TOKEN: 'xoxb-9-revoked' });
    expect(bot.stdout).toMatch(/✗ Slack bot token: invalid_auth/);
    expect(bot.stdout).toMatch(/fix: SLACK_BOT_TOKEN is invalid or revoked: reinstall the app/);
    expect(bot.code).toBe(1);
    const app = await runDoctor({ ...env, SLACK_APP_TOKEN: 'xapp-9-revoked' });
    expect(app.stdout).toMatch(/✗ Slack app token: invalid_auth/);
    expect(app.stdout).toMatch(/fix: SLACK_APP_TOKEN is invalid or revoked: .*connections:write/);
    expect(app.code).toBe(1);
  });

  it('fails on a channel the bot is not in, and warns (exit 0) when OPENCLAW_ADMINS is empty', async () => {
    const outside = await setup({ joined: false });
    const notIn = await runDoctor(outside.env);
    expect(notIn.stdout).toMatch(/✗ pairing channel: the bot is not in C0PAIRING1\n {4}fix: invite it/);
    expect(notIn.code).toBe(1);
    const { env } = await setup();
    const noAdmins = await runDoctor({ ...env, OPENCLAW_ADMINS: '' });
    expect(noAdmins.stdout).toMatch(/⚠ admins: OPENCLAW_ADMINS is empty: every real node host declares system\.run/);
    expect(noAdmins.stdout).toContain('fix: set OPENCLAW_ADMINS');
    expect(noAdmins.code).toBe(0);
  });

  it('warns that shell-capable nodes cannot be approved without operator.admin', async () => {
    const { env, gateway } = await setup({ grantScopes: (s) => s.filter((x) => x !== 'operator.admin') });
    gateway.requestNodePairing({ displayName: 'shell', commands: ['system.run'] });
    const { stdout } = await runDoctor(env);
    expect(stdout).toContain('✗ gateway scopes: missing operator.admin');
    expect(stdout).toMatch(/⚠ operator.admin for shell-capable nodes: .*\(1 pending now\)/);
  });

  it('reports every configuration problem at once', async () => {
    const { dir } = await setup();
    const { code, stdout } = await runDoctor({}, dir);
    expect(stdout).toMatch(/✗ configuration: SLACK_BOT_TOKEN: required/);
    expect(stdout).toMatch(/✗ configuration: OPENCLAW_PAIRING_CHANNEL: required/);
    expect(code).toBe(1);
  });
});
