import crypto from 'node:crypto';
import { ErrorCodes, type ErrorShape } from './frames.js';

/** Gateway-side verification of the `device` block of `connect` (reference §3, checks in §3 order). */

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const SIGNATURE_SKEW_MS = 120_000;

export interface DeviceBlock {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export interface SignedContext {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  token: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

function decodeBase64(value: string): Buffer {
  // Node's base64 decoder accepts both the standard and the URL-safe alphabet.
  return Buffer.from(value, 'base64');
}

function normalizeMetadata(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function payloadsFor(device: DeviceBlock, ctx: SignedContext): string[] {
  const common = [
    device.id,
    ctx.clientId,
    ctx.clientMode,
    ctx.role,
    ctx.scopes.join(','),
    String(device.signedAt),
    ctx.token,
    device.nonce.trim(),
  ];
  const v3 = ['v3', ...common, normalizeMetadata(ctx.platform), normalizeMetadata(ctx.deviceFamily)].join('|');
  const v2 = ['v2', ...common].join('|');
  return [v3, v2];
}

function verifySignature(device: DeviceBlock, ctx: SignedContext): boolean {
  try {
    const key = crypto.createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, decodeBase64(device.publicKey)]),
      format: 'der',
      type: 'spki',
    });
    const signature = decodeBase64(device.signature);
    return payloadsFor(device, ctx).some((payload) =>
      crypto.verify(null, Buffer.from(payload, 'utf8'), key, signature),
    );
  } catch {
    return false;
  }
}

function deviceAuthError(code: string, reason: string, message: string): ErrorShape {
  return { code: ErrorCodes.INVALID_REQUEST, message, details: { code, reason } };
}

/** Returns the gateway's rejection for a bad device proof, or null when the proof holds. */
export function checkDeviceProof(
  device: DeviceBlock,
  ctx: SignedContext,
  challengeNonce: string,
  nowMs: number,
): ErrorShape | null {
  const raw = decodeBase64(device.publicKey);
  const derivedId = raw.length > 0 ? crypto.createHash('sha256').update(raw).digest('hex') : '';
  if (derivedId !== device.id) {
    return deviceAuthError('DEVICE_AUTH_DEVICE_ID_MISMATCH', 'device-id-mismatch', 'device identity mismatch');
  }
  if (Math.abs(nowMs - device.signedAt) > SIGNATURE_SKEW_MS) {
    return deviceAuthError('DEVICE_AUTH_SIGNATURE_EXPIRED', 'device-signature-stale', 'device signature expired');
  }
  if (device.nonce.trim() !== challengeNonce) {
    return deviceAuthError('DEVICE_AUTH_NONCE_MISMATCH', 'device-nonce-mismatch', 'device nonce mismatch');
  }
  if (!verifySignature(device, ctx)) {
    return deviceAuthError('DEVICE_AUTH_SIGNATURE_INVALID', 'device-signature', 'device signature invalid');
  }
  return null;
}
