import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCode } from '../errors.js';

const SECRET_BYTES = 32;

/**
 * Loads a per-install secret (32 random bytes, hex) from `file`, creating it on first start with mode 0600.
 * Two processes starting at once agree on one value (atomic link). A looser mode is tightened to 0600.
 */
export async function loadOrCreateSecret(file: string): Promise<Buffer> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a temporary name, then linked: a concurrent reader never sees half a key.
  const temp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
  try {
    await fs.writeFile(temp, `${crypto.randomBytes(SECRET_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await fs.link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AppError(ErrorCode.STATE_IO, `cannot create ${file}`, { cause: err });
    }
  } finally {
    await fs.rm(temp, { force: true });
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
    const { mode } = await fs.stat(file);
    if ((mode & 0o077) !== 0) await fs.chmod(file, 0o600);
  } catch (err) {
    throw new AppError(ErrorCode.STATE_IO, `cannot read ${file}`, { cause: err });
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64,}$/.test(hex)) {
    throw new AppError(
      ErrorCode.STATE_IO,
      `${file} is not a secret written by this bot; move it away to make a new one`,
    );
  }
  return Buffer.from(hex, 'hex');
}
