/** Stable error codes: branch on these, never on messages. */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  GATEWAY_REJECTED: 'GATEWAY_REJECTED',
  CLIENT_TIMEOUT: 'CLIENT_TIMEOUT',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  NOT_CONNECTED: 'NOT_CONNECTED',
  SCHEMA_MISMATCH: 'SCHEMA_MISMATCH',
  METHOD_REMOVED: 'METHOD_REMOVED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  STATE_IO: 'STATE_IO',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  STARTUP_FAILED: 'STARTUP_FAILED',
  STORAGE_UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  LEASE_LOST: 'LEASE_LOST',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class: every error we throw has a stable `code`. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The bot cannot start; `fix` says what the operator should change. */
export class StartupError extends AppError {
  override name = 'StartupError';
  constructor(
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.STARTUP_FAILED, message, options);
  }
}

/** The database cannot be reached (or refused the connection): nothing was written. */
export class StorageUnavailableError extends AppError {
  override name = 'StorageUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.STORAGE_UNAVAILABLE, message, options);
  }
}

/** A write made under a lease that this process no longer holds (another replica took over): not applied. */
export class LeaseLostError extends AppError {
  override name = 'LeaseLostError';
  constructor(readonly lease: string) {
    super(ErrorCode.LEASE_LOST, `the lease ${lease} is no longer held by this process; the write was not applied`);
  }
}

/** Configuration failed validation; `problems` lists every variable at fault. */
export class ConfigError extends AppError {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(ErrorCode.CONFIG_INVALID, `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Shape of the gateway's `error` object on a failed response. */
export interface GatewayErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
  retryable?: boolean | undefined;
  retryAfterMs?: number | undefined;
}

/** The gateway answered and said no. `gatewayCode` and `detailCode` are the gateway's own. */
export class GatewayRequestError extends AppError {
  override name = 'GatewayRequestError';
  readonly gatewayCode: string;
  readonly detailCode: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly method: string,
    error: GatewayErrorShape,
  ) {
    super(ErrorCode.GATEWAY_REJECTED, `${method}: ${error.code}: ${error.message}`);
    this.gatewayCode = error.code;
    this.details = error.details;
    const detailCode = error.details?.code;
    this.detailCode = typeof detailCode === 'string' ? detailCode : undefined;
    this.retryable = error.retryable === true;
    this.retryAfterMs = error.retryAfterMs;
  }

  /** For `MISSING_SCOPE`: the scope the session lacks. */
  get missingScope(): string | undefined {
    const scope = this.details?.missingScope;
    return typeof scope === 'string' ? scope : undefined;
  }

  /** For `MISSING_SCOPE`: every scope the method requires. */
  get requiredScopes(): string[] {
    const scopes = this.details?.requiredScopes;
    return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
  }
}

/** Our own deadline passed; the gateway never answered. `sent` says whether the frame left. */
export class GatewayTimeoutError extends AppError {
  override name = 'GatewayTimeoutError';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
    readonly sent: boolean,
  ) {
    super(ErrorCode.CLIENT_TIMEOUT, `${method}: no answer from the gateway within ${timeoutMs} ms`);
  }
}

/** The connection closed (or was never open) while the request was pending. */
export class GatewayClosedError extends AppError {
  override name = 'GatewayClosedError';
  constructor(
    readonly method: string,
    message: string,
    code: typeof ErrorCode.CONNECTION_CLOSED | typeof ErrorCode.NOT_CONNECTED = ErrorCode.CONNECTION_CLOSED,
  ) {
    super(code, `${method}: ${message}`);
  }
}

/** A frame or result from the gateway did not match its schema. */
export class GatewaySchemaError extends AppError {
  override name = 'GatewaySchemaError';
  constructor(
    readonly what: string,
    readonly issues: string,
  ) {
    super(ErrorCode.SCHEMA_MISMATCH, `${what} failed its schema: ${issues}`);
  }
}

/** The seed SDK names a method the gateway removed; we answer locally without a round trip. */
export class GatewayMethodRemovedError extends AppError {
  override name = 'GatewayMethodRemovedError';
  constructor(readonly method: string) {
    super(
      ErrorCode.METHOD_REMOVED,
      `${method} was removed from the OpenClaw gateway in 2026.7: a node asks for pairing by connecting, ` +
        'and operators decide with node.pair.list / node.pair.approve / node.pair.reject',
    );
  }
}

/** True when `err` is a gateway rejection with this `details.code` or top-level code. */
export function isGatewayError(err: unknown, code: string): err is GatewayRequestError {
  return err instanceof GatewayRequestError && (err.detailCode === code || err.gatewayCode === code);
}
