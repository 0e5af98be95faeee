import type { Logger } from 'pino';
import type { GatewayRequestError } from '../errors.js';
import type { ConnectFailure, ReconnectDecision } from './reconnect-policy.js';

/** What the client knew when the attempt failed. */
export interface FailureContext {
  readonly url: string;
  /** False until a first session came up: then "lost" is the wrong word. */
  readonly everConnected: boolean;
  readonly lastError: string | undefined;
}

/** One log line an operator can act on, plus a key so the same failure is logged once. */
export function describeConnectFailure(
  failure: ConnectFailure,
  decision: ReconnectDecision,
  context?: FailureContext,
): { key: string; text: string } {
  const next =
    decision.action === 'pause'
      ? `Reconnecting is paused: ${decision.hint}.`
      : `Retrying in ${Math.round(decision.delayMs / 1000)} s.`;
  if (failure.kind === 'closed' && context && !context.everConnected) {
    const why = context.lastError ? ` (${context.lastError})` : ` (close ${failure.closeCode})`;
    return {
      key: `unreachable:${failure.closeCode}`,
      text: `cannot reach the gateway at ${context.url}${why}: is the gateway running, and is OPENCLAW_GATEWAY_URL its address? ${next}`,
    };
  }
  if (failure.kind === 'closed') {
    return {
      key: `closed:${failure.closeCode}`,
      text: `gateway connection lost (close ${failure.closeCode}). ${next}`,
    };
  }
  const code = failure.detailCode ?? failure.gatewayCode;
  const details = failure.details ?? {};
  if (code === 'PAIRING_REQUIRED') {
    const requestId = typeof details.requestId === 'string' ? details.requestId : '<requestId>';
    const reason = details.reason === 'scope-upgrade' ? 'asks for more scopes than approved' : 'is not approved yet';
    return {
      key: `PAIRING_REQUIRED:${requestId}`,
      text:
        `the gateway says this bot's device ${reason} (request ${requestId}). ` +
        `Approve it on the gateway host with: openclaw devices approve ${requestId}. ${next}`,
    };
  }
  if (code === 'AUTH_TOKEN_MISMATCH' && decision.action === 'retry') {
    return {
      key: code,
      text: `the gateway rejected the shared token; retrying once with the stored device token. ${next}`,
    };
  }
  if (code === 'PROTOCOL_MISMATCH') {
    const expected = details.expectedProtocol;
    return {
      key: code,
      text: `protocol mismatch: this bot speaks protocol 4, the gateway expects ${String(expected ?? 'another')}. ${next}`,
    };
  }
  return { key: code, text: `the gateway refused the connection (${code}). ${next}` };
}

/** Logs each distinct connection failure once (at error when it needs a human), repeats only at debug. */
export class FailureLog {
  private lastKey: string | undefined;

  constructor(private readonly log: Logger) {}

  report(failure: ConnectFailure, decision: ReconnectDecision, context?: FailureContext): void {
    const { text, key } = describeConnectFailure(failure, decision, context);
    if (this.lastKey === key) {
      this.log.debug({ key }, text);
      return;
    }
    this.lastKey = key;
    const level = decision.action === 'pause' || failure.kind === 'rejected' ? 'error' : 'warn';
    this.log[level]({ code: key, retryInMs: decision.action === 'retry' ? decision.delayMs : undefined }, text);
  }

  /** After a successful hello: the next failure is news again. */
  reset(): void {
    this.lastKey = undefined;
  }
}

/** The failure of a `connect` the gateway rejected, for the reconnect policy. */
export function rejectionOf(err: GatewayRequestError): ConnectFailure {
  return {
    kind: 'rejected',
    gatewayCode: err.gatewayCode,
    detailCode: err.detailCode,
    details: err.details,
    retryAfterMs: err.retryAfterMs,
  };
}
