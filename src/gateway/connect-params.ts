import type { DeviceProof, SignedConnectFields } from './device-identity.js';
import type { Challenge } from './frames.js';

export const PROTOCOL_VERSION = 4;
/** From the gateway's closed client list: a local backend service. */
export const CLIENT_ID = 'gateway-client';
export const CLIENT_MODE = 'backend';

/** Signs connect fields; implemented by DeviceIdentity (a seam for tests). */
export interface DeviceSigner {
  readonly deviceId: string;
  readonly deviceToken: string | undefined;
  sign(fields: SignedConnectFields, challenge: Challenge): DeviceProof;
  setDeviceToken(token: string | undefined): Promise<void>;
}

export type GatewayAuth = { readonly token: string } | { readonly password: string };

export interface ConnectInput {
  auth: GatewayAuth;
  scopes: readonly string[];
  caps: readonly string[];
  displayName: string;
  version: string;
  platform: string;
  signer: DeviceSigner;
  challenge: Challenge;
  /** The one retry after AUTH_TOKEN_MISMATCH also sends the stored device token. */
  withDeviceToken: boolean;
}

/** Builds `connect` params exactly as protocol 4 wants them, signed over this socket's challenge. */
export function buildConnectParams(input: ConnectInput) {
  const { auth, signer } = input;
  const deviceToken = signer.deviceToken;
  const connectAuth =
    'token' in auth
      ? input.withDeviceToken && deviceToken !== undefined
        ? { token: auth.token, deviceToken }
        : { token: auth.token }
      : { password: auth.password };
  const device = signer.sign(
    {
      clientId: CLIENT_ID,
      clientMode: CLIENT_MODE,
      role: 'operator',
      scopes: input.scopes,
      // The gateway signs over the first of token, deviceToken, bootstrapToken; a password session signs "".
      token: 'token' in auth ? auth.token : '',
      platform: input.platform,
    },
    input.challenge,
  );
  return {
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    client: {
      id: CLIENT_ID,
      mode: CLIENT_MODE,
      version: input.version,
      platform: input.platform,
      displayName: input.displayName,
    },
    role: 'operator',
    scopes: [...input.scopes],
    caps: [...input.caps],
    auth: connectAuth,
    device,
  };
}
