import fs from 'node:fs/promises';
import { AppError, ErrorCode } from '../errors.js';

/**
 * Creates STATE_DIR owner-only (0700) and tightens an existing one: it holds the device key, the fingerprint key and
 * state.db (command lines of pending confirmations, the audit log).
 */
export async function prepareStateDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const { mode } = await fs.stat(dir);
    if ((mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
  } catch (err) {
    throw new AppError(ErrorCode.STATE_IO, `cannot prepare STATE_DIR ${dir} (owner-only, mode 0700)`, { cause: err });
  }
}
