import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { toBoltLogger } from '../slack/bolt-logger.js';
import { SLACK_CALL_TIMEOUT_MS } from '../slack/slack-app.js';
import { appTokenFix, botTokenFix, describeSlackError, slackErrorCode } from '../slack/slack-errors.js';
import { type CheckResult, fail, ok, warn } from './checklist.js';

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

/** Scopes used only when granted (a lost post is looked up instead of posted again); manifest.yml leaves them out. */
export const OPTIONAL_BOT_SCOPES = ['channels:history', 'groups:history'] as const;

/** Slack: bot token, scopes, app token (Socket Mode), pairing channel. */
export async function checkSlack(config: Config, log: Logger): Promise<CheckResult[]> {
  const options = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 1 },
    timeout: SLACK_CALL_TIMEOUT_MS,
    logger: toBoltLogger(log),
  };
  const client = new WebClient(config.slack.botToken, options);
  let granted: string[];
  try {
    const auth = await client.auth.test();
    granted = auth.response_metadata?.scopes ?? [];
  } catch (err) {
    return [fail('Slack bot token', describeSlackError(err), botTokenFix(err))];
  }
  const results: CheckResult[] = [ok('Slack bot token', 'accepted by auth.test')];
  const missing = NEEDED_BOT_SCOPES.filter((s) => s !== 'commands' && granted.length > 0 && !granted.includes(s));
  results.push(
    missing.length === 0
      ? ok(
          'Slack scopes',
          granted.length ? granted.join(', ') : 'not reported by this Slack; assumed from manifest.yml',
        )
      : fail('Slack scopes', `missing ${missing.join(', ')}`, 'reinstall the app from manifest.yml'),
  );
  if (config.slack.appToken) results.push(await checkAppToken(config.slack.appToken, options));
  for (const channel of new Set(config.gateways.map((g) => g.pairingChannel))) {
    results.push(await checkChannel(client, channel));
  }
  return results;
}

async function checkAppToken(
  appToken: string,
  options: ConstructorParameters<typeof WebClient>[1],
): Promise<CheckResult> {
  try {
    // Mints a Socket Mode URL without connecting to it; Slack lets it expire unused.
    await new WebClient(appToken, options).apps.connections.open();
    return ok('Slack app token', 'accepted by apps.connections.open (Socket Mode)');
  } catch (err) {
    return fail('Slack app token', describeSlackError(err), appTokenFix(err));
  }
}

async function checkChannel(client: WebClient, channel: string): Promise<CheckResult> {
  try {
    const info = await client.conversations.info({ channel });
    return info.channel?.is_member === true
      ? ok('pairing channel', `bot is a member of ${channel}`)
      : fail('pairing channel', `the bot is not in ${channel}`, 'invite it from that channel: /invite @OpenClaw');
  } catch (err) {
    const notFound = slackErrorCode(err) === 'channel_not_found';
    return fail(
      'pairing channel',
      describeSlackError(err),
      notFound
        ? `OPENCLAW_PAIRING_CHANNEL=${channel} is not a channel the bot can see: use the id from the channel details (C… or G…), and invite the bot to a private channel first`
        : 'check OPENCLAW_PAIRING_CHANNEL',
    );
  }
}

/** Access lists: a warning when nobody could approve what real node hosts ask for. */
export function checkAccessLists(config: Config): CheckResult[] {
  const results: CheckResult[] = [];
  if (config.access.admins.length === 0) {
    results.push(
      warn(
        'admins',
        'OPENCLAW_ADMINS is empty: every real node host declares system.run, so nobody can approve a node from Slack',
        'set OPENCLAW_ADMINS to your Slack member id (U…) or a user group id (S…)',
      ),
    );
  } else results.push(ok('admins', `${config.access.admins.length} configured`));
  return results;
}
