import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSignaturePayload, DeviceIdentity } from '../../../src/gateway/device-identity.js';
import { FileIdentityStore } from '../../../src/storage/sqlite/file-identities.js';

/** The identity of gateway `id` in the files of `dir`. */
const load = (dir: string, id = 'default') => DeviceIdentity.loadOrCreate(new FileIdentityStore(dir), id);

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-id-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

const fields = {
  clientId: 'gateway-client',
  clientMode: 'backend',
  role: 'operator',
  scopes: ['operator.read', 'operator.write', 'operator.pairing', 'operator.admin'],
  token: 'testtoken123',
  platform: 'Linux ',
};
const challenge = { nonce: '6e0c4eb5-c23d-4601-8a9d-55d81941659a', ts: 1795960042809 };

describe('buildSignaturePayload', () => {
  it('joins the v3 fields in the gateway order with lowercased platform and empty family', () => {
    expect(buildSignaturePayload('b89e', fields, challenge)).toBe(
      'v3|b89e|gateway-client|backend|operator|operator.read,operator.write,operator.pairing,operator.admin|' +
        '1795960042809|testtoken123|6e0c4eb5-c23d-4601-8a9d-55d81941659a|linux|',
    );
  });
});

describe('DeviceIdentity', () => {
  it('creates a key pair once, stores it with mode 0600 and reloads the same device', async () => {
    const dir = await tempDir();
    const first = await load(dir);
    const stat = await fs.stat(path.join(dir, 'device.json'));
    expect(stat.mode & 0o777).toBe(0o600);
    const second = await load(dir);
    expect(second.deviceId).toBe(first.deviceId);
    expect(second.publicKey).toBe(first.publicKey);
  });

  it('derives the device id as sha256 of the raw 32-byte key', async () => {
    const identity = await load(await tempDir());
    const raw = Buffer.from(identity.publicKey, 'base64url');
    expect(raw).toHaveLength(32);
    expect(identity.deviceId).toBe(crypto.createHash('sha256').update(raw).digest('hex'));
  });

  it('signs a payload the public key verifies', async () => {
    const identity = await load(await tempDir());
    const proof = identity.sign(fields, challenge);
    const spki = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(proof.publicKey, 'base64url'),
    ]);
    const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const payload = buildSignaturePayload(proof.id, fields, challenge);
    expect(crypto.verify(null, Buffer.from(payload), key, Buffer.from(proof.signature, 'base64url'))).toBe(true);
    expect(proof).toMatchObject({ signedAt: challenge.ts, nonce: challenge.nonce, id: identity.deviceId });
  });

  it('persists the device token and clears it', async () => {
    const dir = await tempDir();
    const identity = await load(dir);
    await identity.setDeviceToken('dt-123');
    expect((await load(dir)).deviceToken).toBe('dt-123');
    await identity.setDeviceToken(undefined);
    expect((await load(dir)).deviceToken).toBeUndefined();
  });

  it('refuses a corrupt identity file with a message saying what to do', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'device.json'), '{"version":1}');
    await expect(load(dir)).rejects.toThrow(/corrupt; move it away/);
  });

  it('keeps one device per gateway: default in device.json, others in device-<id>.json', async () => {
    const dir = await tempDir();
    const prod = await load(dir, 'prod');
    const lab = await load(dir, 'lab');
    const fallback = await load(dir);
    expect(new Set([prod.deviceId, lab.deviceId, fallback.deviceId]).size).toBe(3);
    expect((await fs.readdir(dir)).sort()).toEqual(['device-lab.json', 'device-prod.json', 'device.json']);
    expect((await load(dir, 'prod')).deviceId).toBe(prod.deviceId);
  });

  it('gives processes starting at once the same device', async () => {
    const dir = await tempDir();
    const all = await Promise.all(Array.from({ length: 6 }, () => load(dir)));
    expect(new Set(all.map((i) => i.deviceId)).size).toBe(1);
  });
});
