import crypto from 'node:crypto';
import type { IdentityStore, StoredIdentity } from '../storage/ports.js';
import type { Challenge } from './frames.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** What the signature covers, in the gateway's field order. */
export interface SignedConnectFields {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  token: string;
  platform: string;
  deviceFamily?: string | undefined;
}

/** The `device` object of `connect` params. */
export interface DeviceProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

const normalize = (value: string | undefined) => (value ?? '').trim().toLowerCase();

/** Builds the v3 payload string exactly as the gateway rebuilds it to verify. */
export function buildSignaturePayload(deviceId: string, fields: SignedConnectFields, challenge: Challenge): string {
  return [
    'v3',
    deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(challenge.ts),
    fields.token,
    challenge.nonce,
    normalize(fields.platform),
    normalize(fields.deviceFamily),
  ].join('|');
}

/** Derives the gateway's device id: lowercase hex SHA-256 of the raw 32-byte public key. */
export function deriveDeviceId(rawPublicKey: Buffer): string {
  return crypto.createHash('sha256').update(rawPublicKey).digest('hex');
}

/** An Ed25519 device identity kept in an {@link IdentityStore} (one per gateway); the key *is* the device. */
export class DeviceIdentity {
  private constructor(
    private readonly store: IdentityStore,
    private readonly gateway: string,
    private stored: StoredIdentity,
    private readonly privateKey: crypto.KeyObject,
  ) {}

  /** Loads the gateway's identity, creating a new key pair on first start (the first of several processes wins). */
  static async loadOrCreate(
    store: IdentityStore,
    gateway: string,
    nowMs: () => number = Date.now,
  ): Promise<DeviceIdentity> {
    let stored = await store.load(gateway);
    if (!stored) {
      const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
      const rawKey = publicKey.export({ type: 'spki', format: 'der' }).subarray(SPKI_ED25519_PREFIX.length);
      stored = await store.createIfAbsent(gateway, {
        version: 1,
        deviceId: deriveDeviceId(rawKey),
        publicKey: rawKey.toString('base64url'),
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        createdAtMs: nowMs(),
      });
    }
    return new DeviceIdentity(store, gateway, stored, crypto.createPrivateKey(stored.privateKeyPem));
  }

  get deviceId(): string {
    return this.stored.deviceId;
  }

  get publicKey(): string {
    return this.stored.publicKey;
  }

  /** The per-device token the gateway issued after pairing, if any. */
  get deviceToken(): string | undefined {
    return this.stored.deviceToken;
  }

  /** Persists a newly issued device token (or clears a stale one with `undefined`). */
  async setDeviceToken(token: string | undefined): Promise<void> {
    if (token === this.stored.deviceToken) return;
    this.stored = { ...this.stored, deviceToken: token };
    await this.store.setDeviceToken(this.gateway, token);
  }

  /** Signs the connect fields over this socket's challenge. */
  sign(fields: SignedConnectFields, challenge: Challenge): DeviceProof {
    const payload = buildSignaturePayload(this.deviceId, fields, challenge);
    return {
      id: this.deviceId,
      publicKey: this.publicKey,
      signature: crypto.sign(null, Buffer.from(payload, 'utf8'), this.privateKey).toString('base64url'),
      signedAt: challenge.ts,
      nonce: challenge.nonce,
    };
  }
}
