/** Wire frames and error shapes of the OpenClaw gateway protocol (reference §1, §8). */

export const PROTOCOL_VERSION = 4;
export const MINIMUM_PROBE_PROTOCOL = 3;
export const FAKE_SERVER_VERSION = '2026.9.6-fake';

export const ErrorCodes = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  NOT_PAIRED: 'NOT_PAIRED',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
} as const;

export interface ErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export interface ResponseFrame {
  type: 'res';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: ErrorShape;
}

export interface StateVersion {
  presence: number;
  health: number;
}

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: StateVersion;
}

/** A gateway-side rejection of one request; the dispatcher turns it into `{ok:false,error}`. */
export class GatewayMethodError extends Error {
  readonly shape: ErrorShape;

  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = 'GatewayMethodError';
    this.shape = shape;
  }
}

/** `INVALID_REQUEST` with an optional details object (absent when not given, like the gateway). */
export function invalidRequest(message: string, details?: Record<string, unknown>): GatewayMethodError {
  return new GatewayMethodError(
    details ? { code: ErrorCodes.INVALID_REQUEST, message, details } : { code: ErrorCodes.INVALID_REQUEST, message },
  );
}

/** `FORBIDDEN` / `MISSING_SCOPE`, exactly as reference §8 shows it. */
export function missingScope(scope: string, requiredScopes: readonly string[]): GatewayMethodError {
  return new GatewayMethodError({
    code: ErrorCodes.FORBIDDEN,
    message: `missing scope: ${scope}`,
    details: { code: 'MISSING_SCOPE', missingScope: scope, requiredScopes: [...requiredScopes] },
  });
}

/** `UNAVAILABLE` with details and an optional retryable flag. */
export function unavailable(
  message: string,
  details: Record<string, unknown>,
  retryable?: boolean,
): GatewayMethodError {
  const shape: ErrorShape = { code: ErrorCodes.UNAVAILABLE, message, details };
  if (retryable !== undefined) shape.retryable = retryable;
  return new GatewayMethodError(shape);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REQUEST_KEYS = new Set(['type', 'id', 'method', 'params']);

/** Parses a text frame as a request (`RequestFrameSchema`: closed object, non-empty id/method). */
export function parseRequestFrame(text: string): RequestFrame | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || parsed.type !== 'req') return null;
  const { id, method } = parsed;
  if (typeof id !== 'string' || id.length === 0 || typeof method !== 'string' || method.length === 0) return null;
  if (Object.keys(parsed).some((key) => !REQUEST_KEYS.has(key))) return null;
  return 'params' in parsed ? { type: 'req', id, method, params: parsed.params } : { type: 'req', id, method };
}

/** Reads the `id` of a frame that failed to parse as a request, when it has a string one. */
export function readFrameId(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) && typeof parsed.id === 'string' && parsed.id ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

export { isRecord };
