import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod/v4';
import { AppError, ErrorCode } from '../../errors.js';
import { loadOrCreateSecret } from '../../state/install-secret.js';
import { DEFAULT_GATEWAY, type IdentityStore, type StoredIdentity } from '../ports.js';

const StoredIdentitySchema = z.object({
  version: z.literal(1),
  deviceId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string(),
  privateKeyPem: z.string(),
  deviceToken: z.string().optional(),
  createdAtMs: z.number(),
});

/**
 * Device identities as files in STATE_DIR (mode 0600): `device.json` for the gateway `default` (where every earlier
 * release kept it, so an upgrade keeps its device) and `device-<id>.json` for other gateways; the install secret
 * is `fingerprint.key`.
 */
export class FileIdentityStore implements IdentityStore {
  constructor(private readonly stateDir: string) {}

  /** The file of one gateway's identity. */
  fileOf(gateway: string): string {
    return path.join(this.stateDir, gateway === DEFAULT_GATEWAY ? 'device.json' : `device-${gateway}.json`);
  }

  async load(gateway: string): Promise<StoredIdentity | undefined> {
    const file = this.fileOf(gateway);
    let raw: string;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AppError(ErrorCode.STATE_IO, `cannot read device identity ${file}`, { cause: err });
    }
    const parsed = StoredIdentitySchema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      throw new AppError(ErrorCode.STATE_IO, `device identity ${file} is corrupt; move it away to create a new device`);
    }
    return parsed.data;
  }

  async createIfAbsent(gateway: string, identity: StoredIdentity): Promise<StoredIdentity> {
    const file = this.fileOf(gateway);
    await fs.mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    // Written whole to a temporary name, then linked: the first process wins, the others read its identity.
    const temp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
    try {
      await fs.writeFile(temp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await fs.link(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError(ErrorCode.STATE_IO, `cannot write device identity ${file}`, { cause: err });
      }
    } finally {
      await fs.rm(temp, { force: true });
    }
    return (await this.load(gateway)) ?? identity;
  }

  async setDeviceToken(gateway: string, deviceToken: string | undefined): Promise<void> {
    const stored = await this.load(gateway);
    if (!stored) return;
    const file = this.fileOf(gateway);
    const next: StoredIdentity = { ...stored, deviceToken };
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(tmp, file);
      await fs.chmod(file, 0o600);
    } catch (err) {
      throw new AppError(ErrorCode.STATE_IO, `cannot write device identity ${file}`, { cause: err });
    }
  }

  installSecret(): Promise<Buffer> {
    return loadOrCreateSecret(path.join(this.stateDir, 'fingerprint.key'));
  }
}
