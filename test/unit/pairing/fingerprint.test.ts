import { describe, expect, it } from 'vitest';
import { createFingerprinter } from '../../../src/pairing/fingerprint.js';
import { makeDeviceRequest, makeRequest } from '../slack/pairing-fixtures.js';

const fingerprintRequest = createFingerprinter(Buffer.alloc(32, 1));

describe('createFingerprinter', () => {
  it('returns 24 hex characters and is stable', () => {
    const fp = fingerprintRequest(makeRequest());
    expect(fp).toMatch(/^[0-9a-f]{24}$/);
    expect(fingerprintRequest(makeRequest())).toBe(fp);
  });

  it('ignores the order of caps, commands and scopes', () => {
    const a = makeRequest({ caps: ['a', 'b'], commands: ['x', 'y', 'z'], requiredApproveScopes: ['s1', 's2'] });
    const b = makeRequest({ caps: ['b', 'a'], commands: ['z', 'x', 'y'], requiredApproveScopes: ['s2', 's1'] });
    expect(fingerprintRequest(a)).toBe(fingerprintRequest(b));
    const d1 = makeDeviceRequest({ roles: ['operator', 'node'], scopes: ['operator.read', 'operator.write'] });
    const d2 = makeDeviceRequest({ roles: ['node', 'operator'], scopes: ['operator.write', 'operator.read'] });
    expect(fingerprintRequest(d1)).toBe(fingerprintRequest(d2));
  });

  it('changes when the commands widen', () => {
    const base = makeRequest({ commands: ['camera.snap'] });
    expect(fingerprintRequest(makeRequest({ commands: ['camera.snap', 'system.run'] }))).not.toBe(
      fingerprintRequest(base),
    );
  });

  it('changes with every field that defines what is approved', () => {
    const base = fingerprintRequest(makeRequest());
    const variants = [
      makeRequest({ requestId: 'req-2' }),
      makeRequest({ subjectId: 'other-node' }),
      makeRequest({ caps: ['camera'] }),
      makeRequest({ requiredApproveScopes: ['operator.admin'] }),
      makeRequest({ role: 'node' }),
      makeRequest({ roles: ['node'] }),
      makeRequest({ scopes: ['operator.admin'] }),
      makeRequest({ kind: 'device' }),
    ];
    for (const v of variants) expect(fingerprintRequest(v)).not.toBe(base);
  });

  it('does not depend on display-only fields', () => {
    const base = fingerprintRequest(makeRequest());
    expect(fingerprintRequest(makeRequest({ displayName: 'renamed', platform: 'windows', requestedAtMs: 1 }))).toBe(
      base,
    );
  });

  it('depends on the install key: the same request fingerprints differently under another key', () => {
    const other = createFingerprinter(Buffer.alloc(32, 2));
    expect(other(makeRequest())).not.toBe(fingerprintRequest(makeRequest()));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createFingerprinter(Buffer.alloc(8))).toThrow(/too short/);
  });
});
