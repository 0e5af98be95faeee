import crypto from 'node:crypto';
import { z } from 'zod/v4';
import { AppError, ErrorCode } from '../../errors.js';
import type { IdentityStore, StoredIdentity } from '../ports.js';
import type { PgDatabase } from './pg-database.js';

const StoredIdentitySchema = z.object({
  version: z.literal(1),
  deviceId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string(),
  privateKeyPem: z.string(),
  deviceToken: z.string().optional(),
  createdAtMs: z.number(),
});

/**
 * Device identities and the install secret in PostgreSQL: one device per gateway for the whole deployment, so a
 * gateway approves the bot once, not once per replica. The tables are readable by the bot's role only.
 */
export class PgIdentityStore implements IdentityStore {
  constructor(private readonly db: PgDatabase) {}

  async load(gateway: string): Promise<StoredIdentity | undefined> {
    const [row] = await this.db.query<{ identity: unknown }>('SELECT identity FROM identities WHERE gateway = $1', [
      gateway,
    ]);
    if (!row) return undefined;
    const parsed = StoredIdentitySchema.safeParse(row.identity);
    if (!parsed.success) {
      throw new AppError(
        ErrorCode.STATE_IO,
        `the device identity of gateway ${gateway} in the database is corrupt; delete its row in "identities" to create a new device`,
      );
    }
    return parsed.data;
  }

  async createIfAbsent(gateway: string, identity: StoredIdentity): Promise<StoredIdentity> {
    await this.db.query('INSERT INTO identities (gateway, identity) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      gateway,
      JSON.stringify(identity),
    ]);
    return (await this.load(gateway)) ?? identity;
  }

  async setDeviceToken(gateway: string, deviceToken: string | undefined): Promise<void> {
    const token = deviceToken === undefined ? null : JSON.stringify(deviceToken);
    await this.db.query(
      `UPDATE identities SET identity = CASE WHEN $2::jsonb IS NULL THEN identity - 'deviceToken'
         ELSE jsonb_set(identity, '{deviceToken}', $2::jsonb) END, updated_at = now() WHERE gateway = $1`,
      [gateway, token],
    );
  }

  async installSecret(): Promise<Buffer> {
    await this.db.query('INSERT INTO install_secret (id, secret) VALUES (1, $1) ON CONFLICT DO NOTHING', [
      crypto.randomBytes(32),
    ]);
    const [row] = await this.db.query<{ secret: Buffer }>('SELECT secret FROM install_secret WHERE id = 1');
    if (!row || row.secret.length < 32)
      throw new AppError(ErrorCode.STATE_IO, 'the install secret in the database is missing');
    return Buffer.from(row.secret);
  }
}
