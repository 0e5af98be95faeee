import { ErrorCode as SlackErrorCode } from '@slack/web-api';

const HINTS: Record<string, string> = {
  not_in_channel: 'invite the bot to the channel (/invite @OpenClaw) or grant chat:write.public',
  channel_not_found: 'check OPENCLAW_PAIRING_CHANNEL is a channel id the bot can see (invite it to private channels)',
  invalid_auth: 'SLACK_BOT_TOKEN is invalid or revoked: reinstall the app and update the token',
  not_authed: 'SLACK_BOT_TOKEN is missing',
  missing_scope: 'the app lacks a scope: reinstall it from manifest.yml',
};

interface SlackLikeError {
  code?: string;
  retryAfter?: number;
  data?: { error?: string };
  statusCode?: number;
  message?: string;
}

/** The Web API error code of a platform error (`invalid_auth`, …), else undefined. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as SlackLikeError;
  return e?.code === SlackErrorCode.PlatformError ? (e.data?.error ?? undefined) : undefined;
}

/** Short description of a Web API failure with the fix when we know one. */
export function describeSlackError(err: unknown): string {
  const e = err as SlackLikeError;
  if (e?.code === SlackErrorCode.RateLimitedError) return `rate limited (retry after ${e.retryAfter ?? '?'} s)`;
  if (e?.code === SlackErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return HINTS[code] ? `${code}: ${HINTS[code]}` : code;
  }
  if (e?.code === SlackErrorCode.HTTPError) return `HTTP ${e.statusCode ?? '?'} from Slack`;
  if (e?.code === SlackErrorCode.RequestError) return `Slack could not be reached (${e.message ?? 'request failed'})`;
  return e?.message ?? 'unknown error';
}

/** How long to wait before retrying: Retry-After when Slack gave one, else 1 s → 60 s backoff. */
export function retryDelayMs(err: unknown, failures: number): number {
  const e = err as SlackLikeError;
  if (e?.code === SlackErrorCode.RateLimitedError && typeof e.retryAfter === 'number') return e.retryAfter * 1000;
  const base = e?.code === SlackErrorCode.PlatformError ? 30_000 : 1_000;
  return Math.min(60_000, base * 2 ** Math.min(failures - 1, 6));
}

/** Slack errors that mean the message or thread is gone for good (retrying cannot help). */
const GONE = new Set([
  'message_not_found',
  'cant_update_message',
  'thread_not_found',
  'edit_window_closed',
  'is_archived',
]);

/** True when a Web API call failed because its target message, thread or channel no longer accepts it. */
export function isTargetGone(err: unknown): boolean {
  const e = err as SlackLikeError;
  return e?.code === SlackErrorCode.PlatformError && GONE.has(e.data?.error ?? '');
}

/** What to do when Slack refuses the bot token, by error code (shared with start-up). */
export function botTokenFix(err: unknown): string {
  const code = slackErrorCode(err);
  if (code === 'invalid_auth' || code === 'account_inactive' || code === 'token_revoked') {
    return 'SLACK_BOT_TOKEN is invalid or revoked: reinstall the app (OAuth & Permissions → Reinstall) and copy the new xoxb- token';
  }
  if (code === 'not_allowed_token_type')
    return 'SLACK_BOT_TOKEN must be the Bot User OAuth Token (xoxb-…), not another kind';
  return 'check SLACK_BOT_TOKEN, and that SLACK_API_URL reaches Slack from this host';
}

/** What to do when Slack refuses the app-level token (Socket Mode). */
export function appTokenFix(err: unknown): string {
  const code = slackErrorCode(err);
  if (code === 'invalid_auth' || code === 'token_revoked') {
    return 'SLACK_APP_TOKEN is invalid or revoked: under Basic Information → App-Level Tokens generate one with connections:write (xapp-…)';
  }
  if (code === 'not_allowed_token_type')
    return 'SLACK_APP_TOKEN must be an app-level token (xapp-…), not the bot token';
  if (code === 'missing_scope')
    return 'the app-level token needs the connections:write scope: generate a new one with it';
  return 'check SLACK_APP_TOKEN, and that SLACK_API_URL reaches Slack from this host';
}
