import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toBoltLogger } from './bolt-logger.js';

/** Deadline for one Slack Web API call. */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/** The workspace the bot token belongs to (from auth.test); requests from any other are refused. */
export interface SlackIdentity {
  readonly teamId: string;
  readonly enterpriseId: string | undefined;
  readonly botId: string;
  readonly botUserId: string;
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
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
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

/** Global middleware: drops requests whose team (or enterprise) is not the bot's own workspace. */
export function registerWorkspaceGuard(app: App, identity: SlackIdentity, log: Logger): void {
  app.use(async ({ body, next }) => {
    const b = body as {
      team_id?: string;
      team?: { id?: string } | null;
      user?: { team_id?: string };
      enterprise_id?: string;
      enterprise?: { id?: string } | null;
    };
    const teamId = b.team_id ?? b.team?.id ?? b.user?.team_id;
    const enterpriseId = b.enterprise_id ?? b.enterprise?.id;
    const teamOk = teamId === identity.teamId;
    const enterpriseOk = identity.enterpriseId !== undefined && enterpriseId === identity.enterpriseId;
    if (!teamOk && !enterpriseOk) {
      log.warn({ teamId, enterpriseId }, 'refused a Slack request from another workspace');
      return;
    }
    await next();
  });
}
