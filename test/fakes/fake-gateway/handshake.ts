import { type AuthMethod, type ConnectAuthParams, resolveConnectAuth } from './connect-auth.js';
import { checkDeviceProof, type DeviceBlock } from './device-proof.js';
import type { DeviceRegistry } from './device-state.js';
import {
  ErrorCodes,
  type ErrorShape,
  MINIMUM_PROBE_PROTOCOL,
  PROTOCOL_VERSION,
  parseRequestFrame,
  type RequestFrame,
} from './frames.js';
import { validateAgainst } from './protocol-schema.js';

/** Verifies the first frame of a socket exactly as the gateway does (reference §2, §3, §4, §5.1). */

export interface ConnectClientInfo {
  id: string;
  mode: string;
  version: string;
  platform: string;
  displayName?: string;
  deviceFamily?: string;
  instanceId?: string;
}

interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: ConnectClientInfo;
  role?: string;
  scopes?: string[];
  caps?: string[];
  auth?: ConnectAuthParams;
  device?: DeviceBlock;
}

export interface HandshakeOptions {
  token?: string | undefined;
  password?: string | undefined;
  requirePairing: boolean;
  issueDeviceToken: boolean;
  grantScopes: (requested: string[]) => string[];
}

/** A scripted connect failure (`failNextConnectWith`, `refuseAuth`). */
export interface HandshakeRejection {
  /** Absent when the gateway closes without answering (a frame that is not a request). */
  error?: ErrorShape;
  closeCode: number;
  closeReason: string;
}

export interface HandshakeDeps {
  options: HandshakeOptions;
  nowMs: number;
  nonce: string;
  devices: DeviceRegistry;
  takeConnectFailure: () => HandshakeRejection | undefined;
  consumeAuthRefusal: () => boolean;
}

export interface ConnectGrant {
  role: 'operator';
  scopes: string[];
  /** Declared caps (`approvals` / `exec-approvals` make the session an exec approval route). */
  caps: string[];
  authMethod: AuthMethod;
  client: ConnectClientInfo;
  deviceId?: string;
  deviceToken?: { token: string; issuedAtMs: number };
}

export type HandshakeResult =
  | { ok: true; frame: RequestFrame; grant: ConnectGrant }
  | { ok: false; frame: RequestFrame | null; rejection: HandshakeRejection };

/** Operators that keep self-declared scopes without a device identity (reference §2.4). */
const DEVICELESS_SCOPE_MODES = new Set(['backend', 'cli']);

function reject(error: ErrorShape, closeCode = 1008, closeReason = error.message): HandshakeRejection {
  return { error, closeCode, closeReason };
}

function invalid(message: string): HandshakeRejection {
  return reject({ code: ErrorCodes.INVALID_REQUEST, message });
}

function checkShape(frame: RequestFrame): HandshakeRejection | ConnectParams {
  if (frame.method !== 'connect') return invalid('invalid handshake: first request must be connect');
  const problem = validateAgainst('ConnectParams', frame.params);
  if (problem) return invalid(`invalid connect params: ${problem}`);
  const params = frame.params as ConnectParams;
  if (params.maxProtocol < PROTOCOL_VERSION || params.minProtocol > PROTOCOL_VERSION) {
    const details = {
      clientMinProtocol: params.minProtocol,
      clientMaxProtocol: params.maxProtocol,
      expectedProtocol: PROTOCOL_VERSION,
      minimumProbeProtocol: MINIMUM_PROBE_PROTOCOL,
    };
    return reject({ code: ErrorCodes.PROTOCOL_MISMATCH, message: 'protocol mismatch', details }, 1002);
  }
  // The fake serves operators only; the gateway also rejects every role it does not know.
  if ((params.role ?? 'operator') !== 'operator') return invalid('invalid role');
  return params;
}

function deviceIdentityRequired(): HandshakeRejection {
  return reject({
    code: ErrorCodes.NOT_PAIRED,
    message: 'device identity required',
    details: { code: 'DEVICE_IDENTITY_REQUIRED' },
  });
}

function checkPairing(params: ConnectParams, device: DeviceBlock, deps: HandshakeDeps): HandshakeRejection | null {
  const scopes = params.scopes ?? [];
  const status = deps.devices.pairingStatus(device.id, 'operator', scopes);
  if (status.status === 'paired') return null;
  const request = deps.devices.requestPairing({
    deviceId: device.id,
    publicKey: device.publicKey,
    ...(params.client.displayName ? { displayName: params.client.displayName } : {}),
    platform: params.client.platform,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: 'operator',
    scopes,
  });
  const details: Record<string, unknown> = {
    code: 'PAIRING_REQUIRED',
    reason: status.status,
    requestId: request.requestId,
    remediationHint: 'Approve this device from the pending pairing requests.',
    deviceId: device.id,
    requestedRole: 'operator',
    requestedScopes: [...scopes],
  };
  if (status.status === 'scope-upgrade') {
    details.approvedRoles = status.approvedRoles;
    details.approvedScopes = status.approvedScopes;
  }
  const message = 'pairing required: device is not approved yet';
  return reject(
    { code: ErrorCodes.NOT_PAIRED, message, details },
    1008,
    `${message} (requestId: ${request.requestId})`,
  );
}

function authorize(params: ConnectParams, deps: HandshakeDeps): HandshakeRejection | ConnectGrant {
  const { options } = deps;
  const device = params.device;
  const requested = params.scopes ?? [];
  const hasAuth = Boolean(params.auth?.token || params.auth?.password || params.auth?.deviceToken);
  const gatewayHasAuth = options.token !== undefined || options.password !== undefined;
  if (!device && ((gatewayHasAuth && !hasAuth) || options.requirePairing)) return deviceIdentityRequired();
  if (device) {
    const signed = {
      clientId: params.client.id,
      clientMode: params.client.mode,
      role: 'operator',
      scopes: requested,
      token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? '',
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily,
    };
    const proofError = checkDeviceProof(device, signed, deps.nonce, deps.nowMs);
    if (proofError) return reject(proofError);
  }
  const auth = resolveConnectAuth(options, {
    auth: params.auth,
    deviceId: device?.id,
    clientId: params.client.id,
    scopes: requested,
    refuseSharedSecret: deps.consumeAuthRefusal(),
    devices: deps.devices,
  });
  if (!auth.ok) return reject(auth.error);
  if (device && options.requirePairing) {
    const pairingRejection = checkPairing(params, device, deps);
    if (pairingRejection) return pairingRejection;
  }
  const keepsScopes = device !== undefined || DEVICELESS_SCOPE_MODES.has(params.client.mode);
  const grant: ConnectGrant = {
    role: 'operator',
    scopes: keepsScopes ? options.grantScopes([...requested]) : [],
    caps: [...(params.caps ?? [])],
    authMethod: auth.method,
    client: params.client,
  };
  if (device) {
    grant.deviceId = device.id;
    if (options.issueDeviceToken) grant.deviceToken = deps.devices.issueToken(device.id, 'operator', requested);
  }
  return grant;
}

/** Checks the first frame of a socket; on success returns what the session was granted. */
export function verifyConnect(text: string, deps: HandshakeDeps): HandshakeResult {
  const frame = parseRequestFrame(text);
  if (!frame) return { ok: false, frame, rejection: { closeCode: 1008, closeReason: 'invalid request frame' } };
  const shaped = checkShape(frame);
  if ('closeCode' in shaped) return { ok: false, frame, rejection: shaped };
  const scripted = deps.takeConnectFailure();
  if (scripted) return { ok: false, frame, rejection: scripted };
  const outcome = authorize(shaped, deps);
  if ('closeCode' in outcome) return { ok: false, frame, rejection: outcome };
  return { ok: true, frame, grant: outcome };
}
