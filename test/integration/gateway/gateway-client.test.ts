import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../../../src/errors.js';
import { FileIdentityStore } from '../../../src/storage/sqlite/file-identities.js';
import { connectClient, TOKEN } from './client-support.js';

type Ctx = Awaited<ReturnType<typeof connectClient>>;
let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});
const until = <T>(fn: () => T, timeout = 5_000) => vi.waitFor(fn, { timeout, interval: 10 });

describe('GatewayClient handshake', () => {
  it('connects as gateway-client/backend with a verified device signature and exposes the granted scopes', async () => {
    ctx = await connectClient();
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const [session] = ctx.gateway.sessions();
    expect(session).toMatchObject({ clientId: 'gateway-client', clientMode: 'backend', displayName: 'slack-ops-test' });
    expect(session?.deviceId).toBe(ctx.identity.deviceId);
    expect(ctx.client.grantedScopes).toEqual(['operator.read', 'operator.write', 'operator.pairing', 'operator.admin']);
  });

  it('warns once when the gateway grants fewer scopes than asked', async () => {
    ctx = await connectClient({ grantScopes: () => ['operator.read'] });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    expect(ctx.client.grantedScopes).toEqual(['operator.read']);
    const warnings = ctx.logs.lines.filter((l) => l.includes('fewer scopes than asked'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Without operator.pairing no pairing requests reach the bot');
  });

  it('persists a device token the gateway issues and reuses the same identity after a restart', async () => {
    ctx = await connectClient({ issueDeviceToken: true });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    await until(() => expect(ctx?.identity.deviceToken).toBeTruthy());
    const { DeviceIdentity } = await import('../../../src/gateway/device-identity.js');
    const reloaded = await DeviceIdentity.loadOrCreate(new FileIdentityStore(ctx.dir), 'default');
    expect(reloaded.deviceId).toBe(ctx.identity.deviceId);
    expect(reloaded.deviceToken).toBe(ctx.identity.deviceToken);
  });

  it('retries with the stored device token after a shared-token mismatch', async () => {
    ctx = await connectClient({ issueDeviceToken: true });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    await until(() => expect(ctx?.identity.deviceToken).toBeTruthy());
    ctx.gateway.refuseAuth();
    ctx.gateway.dropConnections();
    // The device-token retry is accepted (refuseAuth only refuses the shared token).
    await until(() => expect(ctx?.gateway.hellos.at(-1)?.authMethod).toBe('device-token'));
    await ctx.client.waitUntilConnected(5_000);
  });

  it('pauses instead of looping when the shared token is wrong and no device token exists', async () => {
    ctx = await connectClient({}, { auth: { token: 'wrong-token' } });
    ctx.client.start();
    await until(() => expect(ctx?.client.getStatus().state).toBe('paused'));
    const status = ctx.client.getStatus();
    expect(status.pause?.reason).toBe('AUTH_TOKEN_MISMATCH');
    expect(status.pause?.hint).toContain('OPENCLAW_GATEWAY_TOKEN');
    expect(ctx.gateway.received.filter((r) => r.method === 'connect')).toHaveLength(1);
    expect(ctx.logs.text).not.toContain('wrong-token');
    expect(ctx.logs.text).not.toContain(TOKEN);
  });

  it('prints the device approval command when pairing is required and retries slowly', async () => {
    ctx = await connectClient({ requirePairing: true }, { random: () => 0 });
    ctx.client.start();
    await until(() => expect(ctx?.client.getStatus().state).toBe('reconnecting'));
    const line = ctx.logs.lines.find((l) => l.includes('openclaw devices approve'));
    expect(line).toMatch(/openclaw devices approve [0-9a-f-]+/);
    expect(line).toContain('Retrying in 30 s');
  });

  it('pauses on a protocol mismatch', async () => {
    ctx = await connectClient();
    ctx.gateway.failNextConnectWith(
      {
        code: 'INVALID_REQUEST',
        message: 'protocol mismatch',
        details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: 5 },
      },
      1002,
    );
    ctx.client.start();
    await until(() => expect(ctx?.client.getStatus().pause?.reason).toBe('PROTOCOL_MISMATCH'));
    expect(ctx.logs.text).toContain('the gateway expects 5');
  });
});

describe('GatewayClient requests', () => {
  it('keeps the gateway rejection apart from a local timeout', async () => {
    ctx = await connectClient({}, { requestTimeoutMs: 200 });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const rejection = await ctx.client.request('node.describe', { nodeId: 'nope' }).catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(GatewayRequestError);
    expect(rejection).toMatchObject({ gatewayCode: 'INVALID_REQUEST', method: 'node.describe' });
    ctx.gateway.delayResponses(1_000);
    const timeout = await ctx.client.request('node.list', {}).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(GatewayTimeoutError);
    expect(timeout).toMatchObject({ code: 'CLIENT_TIMEOUT', sent: true, timeoutMs: 200 });
  });

  it('exposes MISSING_SCOPE with the required scopes', async () => {
    ctx = await connectClient({}, { scopes: ['operator.read'] });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const err = await ctx.client.request('node.pair.list', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRequestError);
    expect(err).toMatchObject({ detailCode: 'MISSING_SCOPE', missingScope: 'operator.pairing' });
    expect((err as GatewayRequestError).requiredScopes).toEqual(['operator.pairing']);
  });

  it('rejects everything pending when the connection drops, then reconnects and resyncs', async () => {
    ctx = await connectClient();
    const resyncs: string[] = [];
    ctx.client.onResync((r) => resyncs.push(r));
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    ctx.gateway.delayResponses(5_000);
    const pending = ctx.client.request('node.list', {}).catch((e: unknown) => e);
    await ctx.gateway.waitForRequest('node.list');
    ctx.gateway.delayResponses(0);
    ctx.gateway.dropConnections();
    expect(await pending).toBeInstanceOf(GatewayClosedError);
    await until(() => expect(resyncs).toEqual(['connected', 'connected']), 5_000);
    expect(ctx.client.getStatus().reconnects).toBe(1);
  });

  it('fails fast with NOT_CONNECTED while the session is down', async () => {
    ctx = await connectClient();
    const err = await ctx.client.request('node.list').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('refuses to send a frame larger than the gateway maxPayload', async () => {
    ctx = await connectClient({ maxPayload: 2_000 });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const err = await ctx.client
      .request('node.rename', { nodeId: 'x', displayName: 'y'.repeat(5_000) })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(ctx.gateway.callCount('node.rename')).toBe(0);
  });
});

describe('GatewayClient events', () => {
  it('delivers typed events and signals a resync on a sequence gap', async () => {
    ctx = await connectClient();
    const resyncs: string[] = [];
    const seen: unknown[] = [];
    ctx.client.onResync((r) => resyncs.push(r));
    ctx.client.on('node.pair.requested', (p) => seen.push(p));
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const requestId = ctx.gateway.requestNodePairing({ displayName: 'n1', commands: ['system.which'] });
    await until(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toMatchObject({ requestId, displayName: 'n1' });
    ctx.gateway.skipSeq();
    ctx.gateway.requestNodePairing({ displayName: 'n2', commands: [] });
    await until(() => expect(resyncs).toContain('seq-gap'));
  });

  it('ignores malformed frames and stays connected', async () => {
    ctx = await connectClient();
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    ctx.gateway.sendRaw('not json');
    ctx.gateway.sendRaw('{"type":"res"}');
    ctx.gateway.sendRaw('{"type":"event","event":7}');
    const list = await ctx.client.request('node.list', {});
    expect(list).toMatchObject({ nodes: [] });
    expect(ctx.client.isConnected).toBe(true);
  });
});

describe('GatewayClient keepalive', () => {
  it('closes and reconnects after twice the tick interval of silence', async () => {
    ctx = await connectClient({ tickIntervalMs: 300 });
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    ctx.gateway.silence();
    await until(() => expect(ctx?.gateway.closes.some((c) => c.reason === 'tick timeout')).toBe(true), 5_000);
    ctx.gateway.unsilence();
    await until(() => expect(ctx?.gateway.hellos.length).toBe(2), 5_000);
  });
});
