import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod/v4';
import { AppError, ErrorCode } from '../errors.js';
import type { Challenge } from './frames.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const StoredIdentitySchema = z.object({
  version: z.literal(1),
  deviceId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string(),
  privateKeyPem: z.string(),
  deviceToken: z.string().optional(),
  createdAtMs: z.number(),
});
type StoredIdentity = z.infer<typeof StoredIdentitySchema>;

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

/** An Ed25519 device identity persisted in the state folder (mode 0600); the key *is* the device. */
export class DeviceIdentity {
  private constructor(
    private readonly file: string,
    private stored: StoredIdentity,
    private readonly privateKey: crypto.KeyObject,
  ) {}

  /** Loads `device.json` from `stateDir`, creating a new key pair on first start. */
  static async loadOrCreate(stateDir: string, nowMs: () => number = Date.now): Promise<DeviceIdentity> {
    const file = path.join(stateDir, 'device.json');
    let raw: string | undefined;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new AppError(ErrorCode.STATE_IO, `cannot read device identity ${file}`, { cause: err });
      }
    }
    if (raw !== undefined) {
      const parsed = StoredIdentitySchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        throw new AppError(
          ErrorCode.STATE_IO,
          `device identity ${file} is corrupt; move it away to create a new device`,
        );
      }
      return new DeviceIdentity(file, parsed.data, crypto.createPrivateKey(parsed.data.privateKeyPem));
    }
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const rawKey = publicKey.export({ type: 'spki', format: 'der' }).subarray(SPKI_ED25519_PREFIX.length);
    const identity = new DeviceIdentity(
      file,
      {
        version: 1,
        deviceId: deriveDeviceId(rawKey),
        publicKey: rawKey.toString('base64url'),
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        createdAtMs: nowMs(),
      },
      privateKey,
    );
    await identity.save();
    return identity;
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
    await this.save();
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

  private async save(): Promise<void> {
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, `${JSON.stringify(this.stored, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(tmp, this.file);
      await fs.chmod(this.file, 0o600);
    } catch (err) {
      throw new AppError(ErrorCode.STATE_IO, `cannot write device identity ${this.file}`, { cause: err });
    }
  }
}
