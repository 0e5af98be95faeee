/** Why the last connection attempt ended. */
export type ConnectFailure =
  | { kind: 'closed'; closeCode: number }
  | {
      kind: 'rejected';
      gatewayCode: string;
      detailCode: string | undefined;
      details: Record<string, unknown> | undefined;
      retryAfterMs: number | undefined;
    };

/** What to do next: retry after a delay (optionally with the stored device token), or stop and wait for a human. */
export type ReconnectDecision =
  | { action: 'retry'; delayMs: number; useDeviceToken?: boolean; clearDeviceToken?: boolean }
  | { action: 'pause'; reason: string; hint: string; clearDeviceToken?: boolean };

export interface ReconnectInput {
  /** Consecutive failed attempts since the last hello-ok (0 for the first retry). */
  attempt: number;
  failure: ConnectFailure;
  hasDeviceToken: boolean;
  deviceTokenRetryUsed: boolean;
  random: () => number;
}

export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
const PAIRING_RETRY_MIN_MS = 30_000;
const PAIRING_RETRY_SPREAD_MS = 30_000;
const DEVICE_TOKEN_RETRY_MS = 250;

const PAUSE_HINTS: Record<string, string> = {
  AUTH_TOKEN_MISMATCH: 'the gateway token is wrong: set OPENCLAW_GATEWAY_TOKEN to the gateway auth token and restart',
  AUTH_TOKEN_MISSING:
    'the gateway wants a token: set OPENCLAW_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_PASSWORD) and restart',
  AUTH_PASSWORD_MISMATCH: 'the gateway password is wrong: fix OPENCLAW_GATEWAY_PASSWORD and restart',
  AUTH_PASSWORD_MISSING: 'the gateway wants a password: set OPENCLAW_GATEWAY_PASSWORD and restart',
  AUTH_RATE_LIMITED: 'the gateway is rate-limiting auth attempts: check the token, then restart the bot',
  AUTH_DEVICE_TOKEN_MISMATCH:
    'the stored device token was revoked: it has been cleared; check the shared token and restart',
  AUTH_SCOPE_MISMATCH:
    'the device was approved for fewer scopes than asked: approve the upgrade or narrow OPENCLAW_GATEWAY_SCOPES',
  AUTH_BOOTSTRAP_TOKEN_INVALID: 'the bootstrap token is invalid: issue a new one',
  DEVICE_IDENTITY_REQUIRED: 'the gateway requires a device identity: check STATE_DIR is writable',
  PROTOCOL_MISMATCH: 'this bot speaks gateway protocol 4: upgrade the bot or the gateway so they match',
};

/** Exponential backoff 1 s → 30 s with ±20 % jitter (never above the cap). */
export function computeBackoffMs(attempt: number, random: () => number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(attempt, 10));
  return Math.min(BACKOFF_MAX_MS, Math.round(base * (0.8 + 0.4 * random())));
}

/** Decides the next step after a failed or lost connection; pure, so every rule is unit-testable. */
export function decideReconnect(input: ReconnectInput): ReconnectDecision {
  const { failure, random } = input;
  const backoff = { action: 'retry' as const, delayMs: computeBackoffMs(input.attempt, random) };
  if (failure.kind === 'closed') return backoff;

  const code = failure.detailCode ?? failure.gatewayCode;
  const details = failure.details ?? {};
  if (details.pauseReconnect === false || details.recommendedNextStep === 'wait_then_retry') return backoff;
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
    return { action: 'retry', delayMs: Math.min(failure.retryAfterMs, 5 * BACKOFF_MAX_MS) };
  }
  if (code === 'PAIRING_REQUIRED') {
    return { action: 'retry', delayMs: PAIRING_RETRY_MIN_MS + Math.round(random() * PAIRING_RETRY_SPREAD_MS) };
  }
  if (code === 'AUTH_TOKEN_MISMATCH' && input.hasDeviceToken && !input.deviceTokenRetryUsed) {
    return { action: 'retry', delayMs: DEVICE_TOKEN_RETRY_MS, useDeviceToken: true };
  }
  const hint = PAUSE_HINTS[code];
  if (hint !== undefined) {
    return { action: 'pause', reason: code, hint, clearDeviceToken: code === 'AUTH_DEVICE_TOKEN_MISMATCH' };
  }
  if (code === 'DEVICE_AUTH_SIGNATURE_EXPIRED' || code === 'DEVICE_AUTH_NONCE_MISMATCH') return backoff;
  if (code.startsWith('DEVICE_AUTH_') || (failure.gatewayCode === 'INVALID_REQUEST' && !failure.detailCode)) {
    return {
      action: 'pause',
      reason: code,
      hint: 'the gateway refused the connect request itself; this is a bot bug or an incompatible gateway: report it with the log line',
    };
  }
  return backoff;
}
