import { FAKE_SERVER_VERSION, PROTOCOL_VERSION, type StateVersion } from './frames.js';
import type { ConnectGrant } from './handshake.js';

/** The `hello-ok` payload (reference §2.3), trimmed to what an operator client reads. */

export interface GatewayPolicy {
  maxPayload: number;
  maxBufferedBytes: number;
  tickIntervalMs: number;
}

export interface HelloContext {
  connId: string;
  methods: readonly string[];
  events: readonly string[];
  presence: Record<string, unknown>[];
  health: Record<string, unknown>;
  stateVersion: StateVersion;
  uptimeMs: number;
  authMode: 'none' | 'token' | 'password';
  policy: GatewayPolicy;
}

/**
 * Builds `hello-ok`. `auth.method` is sent although the published HelloOk schema forbids it:
 * the live gateway sends it (reference §2.3, §10.11).
 */
export function buildHelloOk(grant: ConnectGrant, ctx: HelloContext): Record<string, unknown> {
  const auth: Record<string, unknown> = {
    method: grant.authMethod,
    role: grant.role,
    scopes: [...grant.scopes],
  };
  if (grant.deviceToken) {
    auth.deviceToken = grant.deviceToken.token;
    auth.issuedAtMs = grant.deviceToken.issuedAtMs;
  }
  return {
    type: 'hello-ok',
    protocol: PROTOCOL_VERSION,
    server: { version: FAKE_SERVER_VERSION, connId: ctx.connId },
    features: { methods: [...ctx.methods], events: [...ctx.events] },
    snapshot: {
      presence: ctx.presence,
      health: ctx.health,
      stateVersion: { ...ctx.stateVersion },
      uptimeMs: ctx.uptimeMs,
      authMode: ctx.authMode,
    },
    auth,
    policy: { ...ctx.policy },
  };
}
