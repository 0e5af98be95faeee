import fs from 'node:fs/promises';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { type Config, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { DeviceIdentity } from './gateway/device-identity.js';
import { GatewayClient } from './gateway/gateway-client.js';
import { NodeManager } from './gateway/nodes.js';
import { SLACK_CALL_TIMEOUT_MS } from './slack/slack-app.js';
import { describeSlackError } from './slack/slack-errors.js';

/** One line of the checklist. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do when it failed. */
  readonly fix?: string | undefined;
}

/** Scopes used only when granted (a lost post is looked up instead of posted again); manifest.yml leaves them out. */
export const OPTIONAL_BOT_SCOPES = ['channels:history', 'groups:history'] as const;

/** Bot scopes the code needs (manifest.yml grants exactly these). */
export const NEEDED_BOT_SCOPES = [
  'commands',
  'chat:write',
  'usergroups:read',
  'channels:read',
  'groups:read',
  'files:write',
  'im:write',
] as const;

/** Runs every check in order and returns the checklist; never throws. */
export async function runDoctor(env: NodeJS.ProcessEnv, log: Logger): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems.join('; ') : String(err);
    return [
      { name: 'configuration', ok: false, detail: problems, fix: 'fix the variables named above (see .env.example)' },
    ];
  }
  const results: CheckResult[] = [{ name: 'configuration', ok: true, detail: 'all variables valid' }];
  results.push(await checkStateDir(config));
  results.push(...(await checkSlack(config)));
  results.push(...(await checkGateway(config, log)));
  return results;
}

async function checkStateDir(config: Config): Promise<CheckResult> {
  const probe = path.join(config.stateDir, `.doctor-${process.pid}`);
  try {
    await fs.mkdir(config.stateDir, { recursive: true });
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
    return { name: 'STATE_DIR writable', ok: true, detail: config.stateDir };
  } catch (err) {
    return {
      name: 'STATE_DIR writable',
      ok: false,
      detail: `${config.stateDir}: ${(err as Error).message}`,
      fix: 'point STATE_DIR at a folder (volume) the bot user can write',
    };
  }
}

async function checkSlack(config: Config): Promise<CheckResult[]> {
  const client = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 1 },
    timeout: SLACK_CALL_TIMEOUT_MS,
  });
  let granted: string[];
  try {
    const auth = await client.auth.test();
    granted = auth.response_metadata?.scopes ?? [];
  } catch (err) {
    return [
      {
        name: 'Slack auth.test',
        ok: false,
        detail: describeSlackError(err),
        fix: 'check SLACK_BOT_TOKEN and SLACK_API_URL',
      },
    ];
  }
  const results: CheckResult[] = [{ name: 'Slack auth.test', ok: true, detail: 'bot token accepted' }];
  const missing = NEEDED_BOT_SCOPES.filter((s) => s !== 'commands' && granted.length > 0 && !granted.includes(s));
  results.push(
    missing.length === 0
      ? {
          name: 'Slack scopes',
          ok: true,
          detail: granted.length ? granted.join(', ') : 'not reported by this Slack; assumed from manifest.yml',
        }
      : {
          name: 'Slack scopes',
          ok: false,
          detail: `missing ${missing.join(', ')}`,
          fix: 'reinstall the app from manifest.yml',
        },
  );
  try {
    const info = await client.conversations.info({ channel: config.pairing.channel });
    const member = info.channel?.is_member === true;
    results.push(
      member
        ? { name: 'pairing channel', ok: true, detail: `bot is a member of ${config.pairing.channel}` }
        : {
            name: 'pairing channel',
            ok: false,
            detail: 'the bot is not in the channel',
            fix: 'invite it: /invite @OpenClaw',
          },
    );
  } catch (err) {
    results.push({
      name: 'pairing channel',
      ok: false,
      detail: describeSlackError(err),
      fix: 'check OPENCLAW_PAIRING_CHANNEL',
    });
  }
  return results;
}

async function checkGateway(config: Config, log: Logger): Promise<CheckResult[]> {
  const identity = await DeviceIdentity.loadOrCreate(config.stateDir);
  const client = new GatewayClient({
    url: config.gateway.url,
    auth: config.gateway.auth,
    scopes: config.gateway.scopes,
    displayName: config.gateway.clientName,
    signer: identity,
    log,
  });
  client.start();
  try {
    await client.waitUntilConnected(10_000);
  } catch {
    const status = client.getStatus();
    await client.stop();
    return [
      {
        name: 'gateway handshake',
        ok: false,
        detail: `${config.gateway.url}: ${status.pause ? status.pause.reason : (status.lastError ?? status.state)}`,
        fix: status.pause?.hint ?? 'check OPENCLAW_GATEWAY_URL and that the gateway is running',
      },
    ];
  }
  const granted = client.grantedScopes;
  const results: CheckResult[] = [
    {
      name: 'gateway handshake',
      ok: true,
      detail: `connected to ${client.getStatus().serverVersion ?? 'gateway'} as device ${identity.deviceId.slice(0, 12)}`,
    },
  ];
  const missing = config.gateway.scopes.filter((s) => !granted.includes(s));
  results.push(
    missing.length === 0
      ? { name: 'gateway scopes', ok: true, detail: granted.join(', ') }
      : {
          name: 'gateway scopes',
          ok: false,
          detail: `missing ${missing.join(', ')}`,
          fix: 'approve the bot device for these scopes (openclaw devices approve)',
        },
  );
  if (!granted.includes('operator.admin')) {
    const pending = await new NodeManager(client).pairList().catch(() => undefined);
    const adminNeeded = pending?.pending.filter((r) => r.requiredApproveScopes.includes('operator.admin')).length ?? 0;
    results.push({
      name: 'operator.admin for shell-capable nodes',
      ok: false,
      detail: `without operator.admin the bot cannot approve nodes that declare system.run (${adminNeeded} pending now)`,
      fix: 'add operator.admin to OPENCLAW_GATEWAY_SCOPES and approve it',
    });
  }
  await client.stop();
  return results;
}

/** Formats the checklist for a terminal. */
export function formatChecklist(results: readonly CheckResult[]): string {
  return results
    .map((r) => `${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}${!r.ok && r.fix ? `\n    fix: ${r.fix}` : ''}`)
    .join('\n');
}
