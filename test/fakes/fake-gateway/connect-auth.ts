import type { DeviceRegistry } from './device-state.js';
import { ErrorCodes, type ErrorShape } from './frames.js';

/** Shared-secret and device-token authentication of `connect` (reference §2.2, §4). */

export type AuthMethod = 'token' | 'password' | 'device-token' | 'none';

export interface ConnectAuthParams {
  token?: string;
  deviceToken?: string;
  bootstrapToken?: string;
  password?: string;
}

export interface AuthConfig {
  token?: string | undefined;
  password?: string | undefined;
}

export interface AuthInput {
  auth: ConnectAuthParams | undefined;
  deviceId: string | undefined;
  clientId: string;
  scopes: readonly string[];
  /** Fault injection: treat the shared secret as wrong (the device token still works). */
  refuseSharedSecret: boolean;
  devices: DeviceRegistry;
}

export type AuthOutcome = { ok: true; method: AuthMethod } | { ok: false; error: ErrorShape };

const CONTROL_UI_CLIENTS = new Set(['openclaw-control-ui', 'webchat-ui', 'webchat']);

function secretHint(clientId: string, kind: 'token' | 'password'): string {
  if (clientId === 'cli') return `set gateway.remote.${kind} to match gateway.auth.${kind}`;
  if (CONTROL_UI_CLIENTS.has(clientId)) {
    return kind === 'token'
      ? 'open the dashboard URL and paste the token in Control UI settings'
      : 'enter the password in Control UI settings';
  }
  return `provide gateway auth ${kind}`;
}

function authError(message: string, details: Record<string, unknown>): AuthOutcome {
  return { ok: false, error: { code: ErrorCodes.INVALID_REQUEST, message, details } };
}

function checkDeviceToken(input: AuthInput, candidate: string | undefined): AuthOutcome | undefined {
  if (!candidate || !input.deviceId) return undefined;
  const check = input.devices.verifyToken(input.deviceId, candidate, input.scopes);
  if (check === 'ok') return { ok: true, method: 'device-token' };
  if (check === 'scope-mismatch') {
    return authError('unauthorized: device token scope mismatch (re-pair this device for the requested scopes)', {
      code: 'AUTH_SCOPE_MISMATCH',
      recommendedNextStep: 'review_auth_configuration',
    });
  }
  return undefined;
}

/** Resolves how (and whether) a `connect` authenticates; failure shapes follow reference §4. */
export function resolveConnectAuth(config: AuthConfig, input: AuthInput): AuthOutcome {
  if (config.token === undefined && config.password === undefined) return { ok: true, method: 'none' };
  const auth = input.auth ?? {};
  const sharedOk = !input.refuseSharedSecret;
  if (sharedOk && config.token !== undefined && auth.token === config.token) return { ok: true, method: 'token' };
  if (sharedOk && config.password !== undefined && auth.password === config.password) {
    return { ok: true, method: 'password' };
  }
  // A device token works in either slot; `{token: wrong, deviceToken}` is the reference client's retry.
  const viaDeviceToken = checkDeviceToken(input, auth.deviceToken) ?? checkDeviceToken(input, auth.token);
  if (viaDeviceToken) return viaDeviceToken;
  if (auth.deviceToken) {
    return authError('unauthorized: device token mismatch (rotate/reissue device token)', {
      code: 'AUTH_DEVICE_TOKEN_MISMATCH',
      authReason: 'device_token_mismatch',
      recommendedNextStep: 'update_auth_credentials',
    });
  }
  const kind = config.token !== undefined ? 'token' : 'password';
  const provided = kind === 'token' ? auth.token : auth.password;
  const hint = secretHint(input.clientId, kind);
  if (provided) {
    const canRetry = input.deviceId !== undefined && kind === 'token';
    return authError(`unauthorized: gateway ${kind} mismatch (${hint})`, {
      code: kind === 'token' ? 'AUTH_TOKEN_MISMATCH' : 'AUTH_PASSWORD_MISMATCH',
      authReason: `${kind}_mismatch`,
      canRetryWithDeviceToken: canRetry,
      recommendedNextStep: canRetry ? 'retry_with_device_token' : 'update_auth_credentials',
    });
  }
  return authError(`unauthorized: gateway ${kind} missing (${hint})`, {
    code: kind === 'token' ? 'AUTH_TOKEN_MISSING' : 'AUTH_PASSWORD_MISSING',
    authReason: `${kind}_missing`,
    recommendedNextStep: 'update_auth_configuration',
  });
}
