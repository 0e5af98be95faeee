import { describe, expect, it } from 'vitest';
import { type ConnectFailure, computeBackoffMs, decideReconnect } from '../../../src/gateway/reconnect-policy.js';

const rejected = (detailCode: string | undefined, extra: Partial<Extract<ConnectFailure, { kind: 'rejected' }>> = {}) =>
  ({
    kind: 'rejected',
    gatewayCode: 'INVALID_REQUEST',
    detailCode,
    details: detailCode ? { code: detailCode } : undefined,
    retryAfterMs: undefined,
    ...extra,
  }) as const;

const base = { attempt: 0, hasDeviceToken: false, deviceTokenRetryUsed: false, random: () => 0.5 };

describe('computeBackoffMs', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 12].map((a) => computeBackoffMs(a, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('adds ±20 % jitter but never exceeds the cap', () => {
    expect(computeBackoffMs(0, () => 0)).toBe(800);
    expect(computeBackoffMs(0, () => 0.999)).toBe(1200);
    expect(computeBackoffMs(10, () => 0.999)).toBe(30000);
    expect(computeBackoffMs(10, () => 0)).toBe(24000);
  });
});

describe('decideReconnect', () => {
  it('backs off after a lost connection', () => {
    expect(decideReconnect({ ...base, attempt: 2, failure: { kind: 'closed', closeCode: 1006 } })).toEqual({
      action: 'retry',
      delayMs: 4000,
    });
  });

  it('retries once with the device token after AUTH_TOKEN_MISMATCH, then pauses', () => {
    const failure = rejected('AUTH_TOKEN_MISMATCH');
    expect(decideReconnect({ ...base, failure, hasDeviceToken: true })).toEqual({
      action: 'retry',
      delayMs: 250,
      useDeviceToken: true,
    });
    const second = decideReconnect({ ...base, failure, hasDeviceToken: true, deviceTokenRetryUsed: true });
    expect(second).toMatchObject({ action: 'pause', reason: 'AUTH_TOKEN_MISMATCH' });
    expect(decideReconnect({ ...base, failure })).toMatchObject({ action: 'pause' });
  });

  it('retries pairing-required slowly, every 30 to 60 s', () => {
    const low = decideReconnect({ ...base, failure: rejected('PAIRING_REQUIRED'), random: () => 0 });
    const high = decideReconnect({ ...base, failure: rejected('PAIRING_REQUIRED'), random: () => 1 });
    expect(low).toEqual({ action: 'retry', delayMs: 30_000 });
    expect(high).toEqual({ action: 'retry', delayMs: 60_000 });
  });

  it.each([
    'AUTH_TOKEN_MISSING',
    'AUTH_PASSWORD_MISMATCH',
    'AUTH_RATE_LIMITED',
    'AUTH_SCOPE_MISMATCH',
    'DEVICE_IDENTITY_REQUIRED',
    'PROTOCOL_MISMATCH',
  ])('pauses on %s with a hint', (code) => {
    const decision = decideReconnect({ ...base, failure: rejected(code) });
    expect(decision.action).toBe('pause');
    expect(decision.action === 'pause' && decision.hint.length).toBeGreaterThan(10);
  });

  it('clears a revoked device token and pauses', () => {
    expect(decideReconnect({ ...base, failure: rejected('AUTH_DEVICE_TOKEN_MISMATCH') })).toMatchObject({
      action: 'pause',
      clearDeviceToken: true,
    });
  });

  it('keeps retrying when the gateway says pauseReconnect false or wait_then_retry', () => {
    const f1 = rejected('AUTH_RATE_LIMITED', { details: { code: 'AUTH_RATE_LIMITED', pauseReconnect: false } });
    const f2 = rejected('PAIRING_REQUIRED', { details: { recommendedNextStep: 'wait_then_retry' } });
    expect(decideReconnect({ ...base, failure: f1 })).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decideReconnect({ ...base, failure: f2 })).toEqual({ action: 'retry', delayMs: 1000 });
  });

  it('honours retryAfterMs while the gateway starts up', () => {
    const failure = rejected(undefined, { gatewayCode: 'UNAVAILABLE', retryAfterMs: 700 });
    expect(decideReconnect({ ...base, failure })).toEqual({ action: 'retry', delayMs: 700 });
  });

  it('pauses on a malformed connect the gateway refuses without details', () => {
    expect(decideReconnect({ ...base, failure: rejected(undefined) })).toMatchObject({ action: 'pause' });
    expect(decideReconnect({ ...base, failure: rejected('DEVICE_AUTH_SIGNATURE_INVALID') })).toMatchObject({
      action: 'pause',
    });
  });

  it('retries a stale signature (clock skew may heal)', () => {
    expect(decideReconnect({ ...base, failure: rejected('DEVICE_AUTH_SIGNATURE_EXPIRED') }).action).toBe('retry');
  });
});
