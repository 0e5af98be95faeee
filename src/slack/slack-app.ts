import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toBoltLogger } from './bolt-logger.js';
import { createNodeHttpFetch } from './node-http-fetch.js';

/** Deadline for one Slack Web API call. */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/** The workspace the bot token belongs to (from auth.test); requests from any other are refused. */
export interface SlackIdentity {
  readonly teamId: string;
  readonly enterpriseId: string | undefined;
  readonly botId: string;
  readonly botUserId: string;
  /** Bot scopes Slack reports for the token (`x-oauth-scopes`); undefined when it reports none. */
  readonly scopes: readonly string[] | undefined;
}

/**
 * True when the token may read a conversation's history (channels:history for C…, groups:history for G…): then a
 * post whose answer was lost is looked up before posting again. Without it the bot posts again (a rare duplicate).
 */
export function canReadHistory(identity: SlackIdentity, channel: string): boolean {
  if (identity.scopes === undefined) return false;
  const needed = channel.startsWith('G')
    ? 'groups:history'
    : channel.startsWith('D')
      ? 'im:history'
      : 'channels:history';
  return identity.scopes.includes(needed);
}

export interface SlackAppParts {
  app: App;
  /** HTTP mode: Bolt's request listener for `/slack/events` (mounted on our own server). */
  httpListener: HTTPReceiver['requestListener'] | undefined;
}

/** Builds the Bolt app for Socket Mode (app token) or HTTP mode (signing secret); every Web API call goes to SLACK_API_URL. */
export function createSlackApp(config: Config, identity: SlackIdentity, log: Logger): SlackAppParts {
  const logger = toBoltLogger(log.child({ component: 'bolt' }));
  // Explicit retryConfig: Socket Mode would otherwise write 100 retries into the shared clientOptions.
  // A deadline on every Web API call (the SDK default is none): a stalled call must not hold a card queue or a click.
  // Calls (and Bolt's response_url answers) go over kept-alive node:http sockets: a card is posted sooner.
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    fetch: createNodeHttpFetch(),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_CALL_TIMEOUT_MS,
  };
  const common = {
    token: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger,
    clientOptions,
  };
  if (config.slack.socketMode) {
    const app = new App({ ...common, appToken: config.slack.appToken, socketMode: true });
    return { app, httpListener: undefined };
  }
  const receiver = new HTTPReceiver({
    signingSecret: config.slack.signingSecret ?? '',
    endpoints: '/slack/events',
    logger,
    processBeforeResponse: false,
  });
  const app = new App({ ...common, receiver });
  return { app, httpListener: receiver.requestListener };
}

/** The workspace, user team and enterprise a Slack payload names (slash commands and interactions differ). */
function originOf(body: unknown) {
  const b = body as {
    team_id?: string;
    team?: { id?: string; enterprise_id?: string } | null;
    user?: { team_id?: string };
    enterprise_id?: string;
    enterprise?: { id?: string } | null;
  };
  return {
    teamId: b.team_id ?? b.team?.id,
    userTeamId: b.user?.team_id,
    enterpriseId: b.enterprise_id ?? b.enterprise?.id ?? b.team?.enterprise_id,
  };
}

/**
 * Global middleware: drops every request that does not come from the bot's own workspace, by a user of that
 * workspace. On Enterprise Grid another workspace of the same organisation is still another workspace: its team id
 * differs and it is refused; the enterprise id, when either side has one, must match too.
 */
export function registerWorkspaceGuard(app: App, identity: SlackIdentity, log: Logger): void {
  app.use(async ({ body, next }) => {
    const origin = originOf(body);
    const teamOk = origin.teamId === identity.teamId;
    const userOk = origin.userTeamId === undefined || origin.userTeamId === identity.teamId;
    const enterpriseOk = !origin.enterpriseId || origin.enterpriseId === identity.enterpriseId;
    if (!teamOk || !userOk || !enterpriseOk) {
      log.warn(origin, 'refused a Slack request from another workspace');
      return;
    }
    await next();
  });
}
