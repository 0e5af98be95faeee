import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../../../src/state/install-secret.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-secret-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateSecret', () => {
  it('creates a 32-byte secret with mode 0600 and returns the same one afterwards', async () => {
    const file = path.join(dir, 'state', 'fingerprint.key');
    const first = await loadOrCreateSecret(file);
    expect(first).toHaveLength(32);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await loadOrCreateSecret(file)).equals(first)).toBe(true);
  });

  it('gives concurrent starters one value', async () => {
    const file = path.join(dir, 'fingerprint.key');
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecret(file)));
    for (const secret of all) expect(secret.equals(all[0] as Buffer)).toBe(true);
    expect((await fs.readdir(dir)).sort()).toEqual(['fingerprint.key']);
  });

  it('tightens a file readable by others to 0600', async () => {
    const file = path.join(dir, 'fingerprint.key');
    await fs.writeFile(file, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    await fs.chmod(file, 0o644);
    expect((await loadOrCreateSecret(file)).toString('hex')).toBe('ab'.repeat(32));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not one of its secrets, saying what to do', async () => {
    const file = path.join(dir, 'fingerprint.key');
    await fs.writeFile(file, 'hello\n');
    await expect(loadOrCreateSecret(file)).rejects.toThrow(/move it away/);
  });
});
