import crypto, { type KeyObject } from 'node:crypto';

/**
 * Test-side device identity and v3 connect signing, written from reference §3 and
 * deliberately independent of src/ so the fake never grades the client with its own code.
 */

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface DeviceKey {
  /** Lowercase hex SHA-256 of the raw 32-byte public key. */
  deviceId: string;
  /** Raw public key, unpadded base64url. */
  publicKey: string;
  privateKey: KeyObject;
}

/** Generates a fresh Ed25519 device identity. */
export function createDeviceKey(): DeviceKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const raw = der.subarray(ED25519_SPKI_PREFIX.length);
  return {
    deviceId: crypto.createHash('sha256').update(raw).digest('hex'),
    publicKey: raw.toString('base64url'),
    privateKey,
  };
}

export interface V3Fields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token: string;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

function normalizeMetadata(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/** `v3|deviceId|clientId|clientMode|role|scopes|signedAt|token|nonce|platform|deviceFamily`. */
export function buildV3Payload(fields: V3Fields): string {
  return [
    'v3',
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(fields.signedAtMs),
    fields.token,
    fields.nonce,
    normalizeMetadata(fields.platform),
    normalizeMetadata(fields.deviceFamily),
  ].join('|');
}

/** Ed25519 signature of the v3 payload, base64url. */
export function signV3(key: DeviceKey, fields: V3Fields): string {
  return crypto.sign(null, Buffer.from(buildV3Payload(fields), 'utf8'), key.privateKey).toString('base64url');
}

export interface ConnectAuth {
  token?: string;
  deviceToken?: string;
  bootstrapToken?: string;
  password?: string;
}

export interface OperatorConnectOptions {
  /** Challenge nonce (signed and sent as `device.nonce`). */
  nonce: string;
  /** Signing time; use the challenge `ts`. */
  signedAtMs: number;
  /** Device identity; `null` sends no `device` block. */
  key: DeviceKey | null;
  auth?: ConnectAuth;
  scopes?: string[];
  clientId?: string;
  clientMode?: string;
  platform?: string;
  deviceFamily?: string;
  displayName?: string;
  role?: string;
  /** Declared caps (`approvals` makes an exec approval route). */
  caps?: string[];
  minProtocol?: number;
  maxProtocol?: number;
  /** Fields to sign differently from what is sent (negative tests: reversed scopes, other nonce…). */
  signOverrides?: Partial<V3Fields>;
  /** Raw overrides of the sent `device` block (negative tests). */
  deviceOverrides?: Partial<ConnectDevice>;
}

export interface ConnectDevice {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export interface OperatorConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: { id: string; mode: string; version: string; platform: string; displayName?: string; deviceFamily?: string };
  role: string;
  scopes: string[];
  caps: string[];
  auth?: ConnectAuth;
  device?: ConnectDevice;
}

export const ALL_OPERATOR_SCOPES = ['operator.read', 'operator.write', 'operator.pairing', 'operator.admin'];

/** The signed token: first present of auth.token, auth.deviceToken, auth.bootstrapToken, else "". */
export function signedTokenOf(auth: ConnectAuth | undefined): string {
  return auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? '';
}

/** Builds `connect` params like the reference client (`gateway-client`/`backend`, protocol 4/4). */
export function buildOperatorConnectParams(options: OperatorConnectOptions): OperatorConnectParams {
  const client: OperatorConnectParams['client'] = {
    id: options.clientId ?? 'gateway-client',
    mode: options.clientMode ?? 'backend',
    version: '0.1.0',
    platform: options.platform ?? 'linux',
  };
  if (options.displayName !== undefined) client.displayName = options.displayName;
  if (options.deviceFamily !== undefined) client.deviceFamily = options.deviceFamily;
  const params: OperatorConnectParams = {
    minProtocol: options.minProtocol ?? 4,
    maxProtocol: options.maxProtocol ?? 4,
    client,
    role: options.role ?? 'operator',
    scopes: options.scopes ?? [...ALL_OPERATOR_SCOPES],
    caps: [...(options.caps ?? [])],
  };
  if (options.auth) params.auth = options.auth;
  if (options.key) {
    const fields: V3Fields = {
      deviceId: options.key.deviceId,
      clientId: client.id,
      clientMode: client.mode,
      role: params.role,
      scopes: params.scopes,
      signedAtMs: options.signedAtMs,
      token: signedTokenOf(options.auth),
      nonce: options.nonce,
      platform: client.platform,
      deviceFamily: client.deviceFamily,
      ...options.signOverrides,
    };
    params.device = {
      id: options.key.deviceId,
      publicKey: options.key.publicKey,
      signature: signV3(options.key, fields),
      signedAt: options.signedAtMs,
      nonce: options.nonce,
      ...options.deviceOverrides,
    };
  }
  return params;
}
