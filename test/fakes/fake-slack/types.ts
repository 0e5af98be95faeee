/** Shared record and option types of the fake Slack. Plain data only. */

export type JsonObject = Record<string, unknown>;

/** Options of `new FakeSlack(...)`. Tokens are fake test values, never real ones. */
export interface FakeSlackOptions {
  readonly botToken: string;
  /** App-level `xapp-` token; without it `apps.connections.open` answers `invalid_auth`. */
  readonly appToken?: string;
  /** Used to sign HTTP deliveries when a target does not name its own secret. */
  readonly signingSecret?: string;
  readonly teamId: string;
  readonly enterpriseId?: string;
  readonly botUserId: string;
  readonly botId?: string;
  readonly appId?: string;
  /** chat.postMessage token bucket per channel (defaults: 1 per second, burst 3). */
  readonly rateLimit?: { readonly perChannelPerSec: number; readonly burst: number };
  /** Slack-side wall clock (trigger/response_url TTLs, rate limits, signature timestamps). Default Date.now. */
  readonly nowMs?: () => number;
  /** Deadline for the app's ack over HTTP or Socket Mode (default 3000). Measured with real elapsed time. */
  readonly ackTimeoutMs?: number;
  /** Picks a Socket Mode connection: returns [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly usergroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Bot scopes the install granted: sent as `x-oauth-scopes` on every answer, and a method needing another scope
   * answers `missing_scope`. Default {@link DEFAULT_GRANTED_SCOPES}.
   */
  readonly scopes?: readonly string[];
  /** The app has a Home tab (default true); without it views.publish answers `not_enabled`. */
  readonly homeTabEnabled?: boolean;
}

/** What an install grants when a test does not say: every scope this bot may ever ask for. */
export const DEFAULT_GRANTED_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'usergroups:read',
  'channels:read',
  'groups:read',
  'im:read',
  'channels:history',
  'groups:history',
  'im:history',
  'files:write',
  'im:write',
];

/** A message in a channel, as the fake stores it. */
export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  thread_ts?: string;
  text: string;
  blocks?: JsonObject[];
  metadata?: JsonObject;
  /** The poster: the bot user id for bot messages. */
  readonly user: string;
  readonly botPosted: boolean;
  /** How it was created: a Web API method, or a response_url / ack delivery. */
  readonly via: string;
  edits: number;
}

/** An ephemeral message, visible to one user only. */
export interface EphemeralMessage {
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  thread_ts?: string;
  text: string;
  blocks?: JsonObject[];
  readonly via: string;
  deleted: boolean;
}

/** One Web API call as received, whatever the outcome. */
export interface RecordedCall {
  readonly method: string;
  readonly args: JsonObject;
  readonly httpStatus: number;
  /** The JSON answered, or undefined when the connection was dropped. */
  readonly response: JsonObject | undefined;
  /** When the answer was decided (after the fake's own checks). */
  readonly atMs: number;
  /** When the request arrived (before its body was read and checked): where the caller's part ends. */
  readonly receivedAtMs?: number;
}

/** What the app delivered for one response_url (a POST) or through an ack body/payload. */
export interface ResponseDelivery {
  readonly responseUrlId: string;
  readonly via: 'response_url' | 'ack';
  readonly body: JsonObject;
  readonly httpStatus: number;
  /** What Slack did with it; `rejected:<error>` when refused. */
  readonly effect: string;
  readonly atMs: number;
}

/** A broken Slack rule on the app's side of a delivery (slow, missing or unknown ack, ...). */
export interface DeliveryFailure {
  readonly kind: 'slow_ack' | 'missing_ack' | 'late_ack' | 'unknown_envelope' | 'bad_ack_frame';
  readonly detail: string;
  readonly atMs: number;
}

/** Text that would notify, link or render markup the bot did not intend. */
export interface InjectionViolation {
  readonly source: string;
  readonly pointer: string;
  readonly kind:
    | 'mass_mention'
    | 'group_mention'
    | 'user_mention'
    | 'link'
    | 'bare_angle_bracket'
    | 'auto_parsed_mention'
    | 'link_names';
  readonly token: string;
}

/** Something Slack or the SDK would warn about without refusing it. */
export interface FakeWarning {
  readonly method: string;
  readonly warning: string;
}

/** Where HTTP-mode deliveries go. */
export interface HttpTarget {
  /** Full URL of the app's endpoint, e.g. http://127.0.0.1:PORT/slack/events. */
  readonly url: string;
  /** Defaults to the fake's `signingSecret`. */
  readonly signingSecret?: string;
}

/** How an HTTP delivery signs itself: only `valid` should be accepted by the app. */
export type SignatureMode = 'valid' | 'missing' | 'wrong' | 'stale';

export interface HttpDeliveryOptions {
  readonly signature?: SignatureMode;
  /** Overrides the exact `application/x-www-form-urlencoded` Slack sends. */
  readonly contentType?: string;
}
