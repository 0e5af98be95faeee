import { afterEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../../fakes/fake-gateway/harness.js';
import { buildOperatorConnectParams, createDeviceKey, RawGatewayClient } from '../../fakes/fake-gateway/index.js';
import { validateAgainst } from '../../fakes/fake-gateway/protocol-schema.js';
import { type ConnectOptions, connectOperator } from '../../fakes/fake-gateway/raw-client.js';

const TOKEN = 'testtoken123';
const READ = 'operator.read';
const WRITE = 'operator.write';
const PAIRING = 'operator.pairing';
const ADMIN = 'operator.admin';
const ALL = [READ, WRITE, PAIRING, ADMIN];

const h = new GatewayHarness(TOKEN);
afterEach(() => h.cleanup());

const forgedSignature = buildOperatorConnectParams({ key: createDeviceKey(), nonce: 'n', signedAtMs: 1 }).device
  ?.signature;

describe('FakeGateway handshake', () => {
  it('speaks first with connect.challenge {nonce, ts, capabilities} and no seq', async () => {
    await h.start();
    const frame = await (await h.open()).waitForEvent('connect.challenge');
    expect(frame.seq).toBeUndefined();
    expect(frame.payload).toEqual({ nonce: expect.any(String), ts: expect.any(Number), capabilities: [] });
  });

  it('accepts a correctly signed operator connect with a schema-conformant hello-ok', async () => {
    const gateway = await h.start();
    const { response } = await h.connect({ scopes: [READ, PAIRING] });
    const hello = response.payload as Record<string, unknown> & { auth: Record<string, unknown> };
    expect(hello).toMatchObject({
      type: 'hello-ok',
      protocol: 4,
      server: { version: '2026.9.6-fake', connId: expect.any(String) },
      auth: { method: 'token', role: 'operator', scopes: [READ, PAIRING] },
      policy: { maxPayload: 26_214_400, maxBufferedBytes: 52_428_800, tickIntervalMs: 30_000 },
    });
    expect(hello.auth.deviceToken).toBeUndefined();
    // The live gateway adds auth.method, which the published HelloOk schema does not list.
    const { method: _method, ...schemaAuth } = hello.auth;
    expect(validateAgainst('HelloOk', { ...hello, auth: schemaAuth })).toBeNull();
    expect(gateway.hellos[0]).toMatchObject({ clientId: 'gateway-client', scopes: [READ, PAIRING] });
  });

  const deviceError = (code: string, reason: string, message: string) => ({
    code: 'INVALID_REQUEST',
    message,
    details: { code: `DEVICE_AUTH_${code}`, reason },
  });
  const badSignature = deviceError('SIGNATURE_INVALID', 'device-signature', 'device signature invalid');
  const rejections: [string, Partial<ConnectOptions>, object][] = [
    ['a signature made with another key', { deviceOverrides: { signature: forgedSignature ?? '' } }, badSignature],
    ['scopes signed in another order', { scopes: ALL, signOverrides: { scopes: [...ALL].reverse() } }, badSignature],
    [
      'a signedAt 150 s old',
      { signedAt: (ts) => ts - 150_000 },
      deviceError('SIGNATURE_EXPIRED', 'device-signature-stale', 'device signature expired'),
    ],
    [
      'a device id that does not hash the key',
      { deviceOverrides: { id: createDeviceKey().deviceId } },
      deviceError('DEVICE_ID_MISMATCH', 'device-id-mismatch', 'device identity mismatch'),
    ],
    [
      'an unknown client.id, with no details',
      { clientId: 'slack-bot' },
      {
        code: 'INVALID_REQUEST',
        message: 'invalid connect params: at /client/id: must be equal to one of the allowed values',
      },
    ],
    [
      'a missing token',
      { auth: {} },
      {
        code: 'INVALID_REQUEST',
        message: 'unauthorized: gateway token missing (provide gateway auth token)',
        details: {
          code: 'AUTH_TOKEN_MISSING',
          authReason: 'token_missing',
          recommendedNextStep: 'update_auth_configuration',
        },
      },
    ],
  ];

  it.each(rejections)('rejects %s and closes 1008', async (_name, options, expected) => {
    await h.start();
    expect(await h.reject(options)).toEqual({ error: expected, closeCode: 1008 });
  });

  it('accepts a signedAt within ±120 s and any protocol range containing 4, else closes 1002', async () => {
    await h.start();
    expect((await h.connect({ signedAt: (ts) => ts + 100_000, minProtocol: 3, maxProtocol: 5 })).response.ok).toBe(
      true,
    );
    const { error, closeCode } = await h.reject({ minProtocol: 5, maxProtocol: 5 });
    expect(error).toMatchObject({ code: 'PROTOCOL_MISMATCH', details: { expectedProtocol: 4, clientMinProtocol: 5 } });
    expect(closeCode).toBe(1002);
  });

  it('rejects a connect sent before the challenge, a non-connect first request and unknown properties', async () => {
    const gateway = await h.start();
    const early = await h.open();
    const params = buildOperatorConnectParams({ key: createDeviceKey(), nonce: 'guess', signedAtMs: Date.now() });
    expect((await early.request('connect', params)).error?.details?.code).toBe('DEVICE_AUTH_NONCE_MISMATCH');
    const listing = await h.open();
    expect((await listing.request('node.list', {})).error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'invalid handshake: first request must be connect',
    });
    expect((await listing.waitForClose()).code).toBe(1008);
    const extra = await h.open();
    const { nonce, ts } = await extra.challenge();
    const valid = buildOperatorConnectParams({ key: createDeviceKey(), nonce, signedAtMs: ts, auth: { token: TOKEN } });
    const response = await extra.request('connect', { ...valid, client: { ...valid.client, extra: 1 } });
    expect(response.error?.message).toBe("invalid connect params: at /client: unexpected property 'extra'");
    expect(gateway.callCount('connect')).toBe(2);
  });

  it('tells a wrong token from a missing one and accepts the device-token retry', async () => {
    await h.start({ issueDeviceToken: true });
    const key = createDeviceKey();
    const first = await h.connect({ key });
    const deviceToken = (first.response.payload as { auth: { deviceToken: string } }).auth.deviceToken;
    expect(deviceToken).toHaveLength(43);
    expect((await h.reject({ key, auth: { token: 'wrong' } })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: {
        code: 'AUTH_TOKEN_MISMATCH',
        canRetryWithDeviceToken: true,
        recommendedNextStep: 'retry_with_device_token',
      },
    });
    const retry = await h.connect({ key, auth: { token: 'wrong', deviceToken } });
    expect(retry.response.payload).toMatchObject({ auth: { method: 'device-token', deviceToken } });
  });

  it('refuses the shared secret on cue and scripts arbitrary connect failures', async () => {
    const gateway = await h.start();
    gateway.refuseAuth(1);
    expect((await h.reject()).error?.details?.code).toBe('AUTH_TOKEN_MISMATCH');
    gateway.failNextConnectWith({ code: 'UNAVAILABLE', message: 'starting', retryAfterMs: 500 }, 1013);
    expect(await h.reject()).toEqual({
      error: { code: 'UNAVAILABLE', message: 'starting', retryAfterMs: 500 },
      closeCode: 1013,
    });
    expect((await h.connect()).response.ok).toBe(true);
  });

  it('requires pairing on cue, reusing the requestId and telling only approvers, once', async () => {
    const gateway = await h.start({ requirePairing: true });
    const [approverKey, readerKey, key] = [createDeviceKey(), createDeviceKey(), createDeviceKey()];
    gateway.approveDevice(approverKey.deviceId);
    gateway.approveDevice(readerKey.deviceId);
    const approver = await h.session([PAIRING], approverKey);
    const reader = await h.session([READ], readerKey);
    const { error } = await h.reject({ key, scopes: [READ] });
    expect(error).toMatchObject({
      code: 'NOT_PAIRED',
      details: { code: 'PAIRING_REQUIRED', reason: 'not-paired', deviceId: key.deviceId, requestedScopes: [READ] },
    });
    const requestId = error?.details?.requestId;
    expect((await h.reject({ key, scopes: [READ] })).error?.details?.requestId).toBe(requestId);
    expect((await approver.request('device.pair.approve', { requestId })).ok).toBe(true);
    await approver.waitForEvent('device.pair.resolved');
    expect(approver.events('device.pair.requested').map((e) => e.payload)).toEqual([
      expect.objectContaining({ requestId, deviceId: key.deviceId, scopes: [READ], isRepair: false }),
    ]);
    expect(reader.events('device.pair.requested')).toEqual([]);
    expect((await h.connect({ key, scopes: [READ] })).response.ok).toBe(true);
  });
});

describe('FakeGateway methods', () => {
  it('gates methods by scope with the exact MISSING_SCOPE shape', async () => {
    await h.start();
    const [reader, writer, approver] = [await h.session([READ]), await h.session([WRITE]), await h.session([PAIRING])];
    expect((await reader.request('node.pair.list', {})).error).toEqual({
      code: 'FORBIDDEN',
      message: 'missing scope: operator.pairing',
      details: { code: 'MISSING_SCOPE', missingScope: PAIRING, requiredScopes: [PAIRING] },
    });
    expect((await writer.request('node.list', {})).ok).toBe(true);
    expect((await approver.request('node.list', {})).error?.details?.missingScope).toBe(READ);
    expect((await reader.request('node.invoke', {})).error?.details?.missingScope).toBe(WRITE);
    expect((await reader.request('system-presence', {})).payload).toEqual(expect.any(Array));
  });

  it('answers unknown, removed, node-only and malformed calls like the gateway', async () => {
    const gateway = await h.start();
    const admin = await h.session(ALL);
    for (const method of ['node.pair.request', 'node.pair.verify', 'no.such']) {
      expect((await admin.request(method, {})).error).toEqual({
        code: 'INVALID_REQUEST',
        message: `unknown method: ${method}`,
      });
    }
    for (const method of ['node.invoke.result', 'node.event']) {
      expect((await admin.request(method, {})).error?.message).toBe('unauthorized role: operator');
    }
    expect((await admin.request('node.describe', { nodeId: 'alpha' })).error?.message).toBe('unknown nodeId');
    expect((await admin.request('node.list', { x: 1 })).error?.message).toBe(
      "invalid node.list params: at root: unexpected property 'x'",
    );
    const { nodeId } = gateway.addNode({ displayName: 'alpha' });
    expect((await admin.request('node.rename', { nodeId, displayName: ' ' })).error?.message).toBe(
      'displayName required',
    );
    expect(gateway.callCount('node.rename')).toBe(1);
  });

  it('relays node.invoke with the gateway error shapes and the result envelope', async () => {
    const gateway = await h.start();
    const writer = await h.session([WRITE]);
    const online = gateway.addNode({ displayName: 'alpha', commands: ['system.which', 'system.run'] });
    const offline = gateway.addNode({ displayName: 'beta', commands: ['system.run'], connected: false });
    const pending = gateway.addNode({ displayName: 'gamma', approved: false });
    const invoke = (nodeId: string, command: string, extra: object = {}) =>
      writer.request('node.invoke', { nodeId, command, idempotencyKey: 'k', ...extra });
    expect((await writer.request('node.invoke', { nodeId: online.nodeId, command: 'system.run' })).error?.message).toBe(
      "invalid node.invoke params: must have required property 'idempotencyKey'",
    );
    for (const nodeId of ['nope', 'alpha', pending.nodeId]) {
      expect((await invoke(nodeId, 'system.run')).error).toEqual({
        code: 'UNAVAILABLE',
        message: 'node pairing changed while invocation was active',
        details: { code: 'PAIRING_CHANGED' },
        retryable: true,
      });
    }
    expect((await invoke(offline.nodeId, 'system.run')).error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { code: 'NOT_CONNECTED', nodeCommandDispatched: false },
    });
    expect((await invoke(online.nodeId, 'system.notify')).error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'node command not allowed: the node (platform: linux) does not support "system.notify"',
      details: { reason: 'command not declared by node', command: 'system.notify' },
    });
    expect((await invoke(online.nodeId, 'system.which', { params: { bins: ['ls', 'nope'] } })).payload).toEqual({
      ok: true,
      nodeId: online.nodeId,
      command: 'system.which',
      payload: { bins: { ls: '/usr/bin/ls' } },
      payloadJSON: '{"bins":{"ls":"/usr/bin/ls"}}',
    });
    gateway.setInvokeHandler(() => ({ exitCode: 2 }), { nodeId: online.nodeId });
    expect((await invoke(online.nodeId, 'system.run')).payload).toMatchObject({ payload: { exitCode: 2 } });
  });

  it('enforces requiredApproveScopes and reports unknown requestIds without details', async () => {
    const gateway = await h.start();
    const [approver, admin] = [await h.session([PAIRING, WRITE]), await h.session([PAIRING, ADMIN])];
    const requestId = gateway.requestNodePairing({ displayName: 'probe1', commands: ['system.run', 'system.which'] });
    expect(gateway.pendingNodeRequests()[0]?.requiredApproveScopes).toEqual([PAIRING, ADMIN]);
    expect((await approver.request('node.pair.approve', { requestId })).error).toEqual({
      code: 'FORBIDDEN',
      message: 'missing scope: operator.admin',
      details: { code: 'MISSING_SCOPE', missingScope: ADMIN, requiredScopes: [PAIRING, ADMIN] },
    });
    expect((await admin.request('node.pair.approve', { requestId })).payload).toMatchObject({
      requestId,
      node: { displayName: 'probe1', commands: ['system.run', 'system.which'] },
    });
    const again = await admin.request('node.pair.approve', { requestId });
    expect(again.error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown requestId' });
  });
});

describe('FakeGateway events', () => {
  it('pushes node pairing events to pairing sessions only, once per unchanged surface', async () => {
    const gateway = await h.start();
    const nodeId = 'a'.repeat(64);
    gateway.addNode({ nodeId, displayName: 'n1', approved: false });
    const [approver, reader] = [await h.session([PAIRING]), await h.session([READ, WRITE])];
    const requestId = gateway.requestNodePairing({ nodeId, displayName: 'n1', commands: ['ollama.models'] });
    expect(gateway.requestNodePairing({ nodeId, displayName: 'n1', commands: ['ollama.models'] })).toBe(requestId);
    gateway.setNodeConnected(nodeId, false);
    gateway.resolveNodeRequestExternally(requestId, 'rejected');
    // Events on one socket are ordered: each awaited event proves what was (not) sent before it.
    const resolved = await approver.waitForEvent('node.pair.resolved');
    expect(resolved.payload).toEqual({ requestId, nodeId, decision: 'rejected', ts: expect.any(Number) });
    expect(approver.events('node.pair.requested').map((e) => e.payload)).toEqual([
      expect.objectContaining({ requestId, requiredApproveScopes: [PAIRING, WRITE], silent: false }),
    ]);
    expect(approver.events('presence')).toEqual([]);
    const presence = await reader.waitForEvent('presence');
    expect(presence.stateVersion).toEqual({ presence: expect.any(Number), health: 1 });
    const entries = (presence.payload as { presence: object[] }).presence;
    expect(entries).toContainEqual(expect.objectContaining({ deviceId: nodeId, reason: 'disconnect' }));
    expect(reader.events('node.pair.requested')).toEqual([]);
  });

  it('ticks every tickIntervalMs with per-socket seq from 1, and skips a seq on cue', async () => {
    const gateway = await h.start({ tickIntervalMs: 20 });
    const client = await h.session([]);
    const first = await client.waitForEvent('tick');
    expect(first).toMatchObject({ seq: 1, payload: { ts: expect.any(Number) } });
    gateway.skipSeq();
    expect((await client.waitForEvent('tick', { since: client.frames.indexOf(first) + 1 })).seq).toBe(3);
  });
});

describe('FakeGateway faults', () => {
  it('drops sockets without a close frame (1006) and closes with a chosen code', async () => {
    const gateway = await h.start();
    const dropped = await h.session([READ]);
    gateway.dropConnections();
    expect((await dropped.waitForClose()).code).toBe(1006);
    const closed = await h.session([READ]);
    gateway.closeAll(4001, 'device removed');
    expect(await closed.waitForClose()).toEqual({ code: 4001, reason: 'device removed' });
  });

  it('delays chosen responses, sends raw frames and records client close codes', async () => {
    const gateway = await h.start();
    const client = await h.session([READ]);
    gateway.delayResponses((method) => (method === 'node.list' ? 50 : 0));
    const slow = client.request('node.list', {});
    await client.request('system-presence', {});
    expect(client.frames.some((f) => f.type === 'res' && f.id.startsWith('2:'))).toBe(false);
    expect((await slow).ok).toBe(true);
    gateway.sendRaw('{not json');
    await client.request('system-presence', {});
    expect(client.frames.at(-2)).toEqual({ type: 'unparsable', text: '{not json' });
    client.close(4000, 'tick timeout');
    expect(await gateway.waitForClose()).toMatchObject({ code: 4000, reason: 'tick timeout' });
  });

  it('goes silent on cue and restarts on the same port', async () => {
    const gateway = await h.start();
    const client = await h.session([READ]);
    gateway.silence();
    client.send({ type: 'req', id: 'lost', method: 'node.list', params: {} });
    await gateway.waitForRequest('node.list');
    gateway.unsilence();
    expect((await client.request('node.list', {})).ok).toBe(true);
    expect(client.frames.some((f) => f.type === 'res' && f.id === 'lost')).toBe(false);
    const port = gateway.port;
    await gateway.stop();
    expect(await client.waitForClose()).toEqual({ code: 1012, reason: 'service restart' });
    await gateway.start({ port });
    await h.session([READ]);
    expect((await gateway.waitForConnection({ count: 2 })).scopes).toEqual([READ]);
  });

  it('overflows the client maxPayload on cue and refuses connects after stopAccepting', async () => {
    const gateway = await h.start();
    const { client } = await connectOperator(gateway.url, { key: null, auth: { token: TOKEN } }, { maxPayload: 8192 });
    gateway.sendOversized(10_000);
    // ws stops reading after a too-big frame: the client sees 1006 locally, the gateway gets its 1009.
    expect(await gateway.waitForClose()).toMatchObject({ code: 1009 });
    await client.waitForClose();
    await gateway.stopAccepting();
    await expect(RawGatewayClient.open(gateway.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('FakeGateway exec approvals', () => {
  const APPROVALS = 'operator.approvals';

  it('delivers exec.approval.* only to sessions declaring the approvals cap with operator.admin', async () => {
    const gateway = await h.start();
    const route = (await h.connect({ scopes: [APPROVALS, ADMIN], caps: ['approvals'] })).client;
    const noCap = (await h.connect({ scopes: ALL })).client;
    const noAdmin = (await h.connect({ scopes: [APPROVALS], caps: ['approvals'] })).client;
    const record = gateway.requestExecApproval({ nodeId: 'n1' });
    const seen = await route.waitForEvent('exec.approval.requested');
    expect((seen.payload as { id: string }).id).toBe(record.id);
    gateway.expireExecApproval(record.id);
    expect((await route.waitForEvent('exec.approval.resolved')).payload).toMatchObject({
      id: record.id,
      decision: 'deny',
      resolvedBy: null,
    });
    // Give stray deliveries a chance: a request/response round trip on each socket orders after the broadcast.
    await noCap.request('node.list', {});
    await noAdmin.request('exec.approval.list', {});
    expect(noCap.events('exec.approval.requested')).toEqual([]);
    expect(noAdmin.events('exec.approval.requested')).toEqual([]);
    expect((await noAdmin.request('exec.approval.list', {})).payload).toEqual([]);
  });

  it('resolves once: the same decision again is ok, another is APPROVAL_ALREADY_RESOLVED, unknown ids not found', async () => {
    const gateway = await h.start();
    const admin = await h.session([APPROVALS, ADMIN]);
    const { id } = gateway.requestExecApproval({ ask: 'always' });
    expect((await admin.request('exec.approval.resolve', { id, decision: 'allow-always' })).error?.message).toMatch(
      /unavailable/,
    );
    expect((await admin.request('exec.approval.resolve', { id, decision: 'allow-once' })).ok).toBe(true);
    expect((await admin.request('exec.approval.resolve', { id, decision: 'allow-once' })).ok).toBe(true);
    expect((await admin.request('exec.approval.resolve', { id, decision: 'deny' })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { reason: 'APPROVAL_ALREADY_RESOLVED' },
    });
    expect((await admin.request('exec.approval.resolve', { id: 'nope', decision: 'deny' })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { reason: 'APPROVAL_NOT_FOUND' },
    });
    const snapshot = (await admin.request('approval.get', { id })).payload as { approval: unknown };
    expect(validateAgainst('ApprovalSnapshot', snapshot.approval)).toBeNull();
    expect((await admin.request('approval.get', { id: 'x', extra: 1 })).error?.code).toBe('INVALID_REQUEST');
  });
});

describe('FakeGateway exec.approval.request (two-phase)', () => {
  const APPROVALS = 'operator.approvals';

  it('answers accepted at once and sends the decision as a second res with the same id; no route → ends at once', async () => {
    const gateway = await h.start();
    const agent = await h.session([APPROVALS, ADMIN]);
    const alone = await agent.request('exec.approval.request', {
      host: 'gateway',
      command: 'rm -rf /x',
      twoPhase: true,
    });
    expect(alone.payload).toMatchObject({ decision: null });
    const route = (await h.connect({ scopes: [APPROVALS, ADMIN], caps: ['approvals'] })).client;
    const first = await agent.request('exec.approval.request', {
      host: 'gateway',
      command: 'rm -rf /x',
      twoPhase: true,
    });
    const { id } = first.payload as { id: string; status: string };
    expect(first.payload).toMatchObject({ status: 'accepted', id });
    expect((await route.waitForEvent('exec.approval.requested')).payload).toMatchObject({ id });
    expect((await route.request('exec.approval.resolve', { id, decision: 'deny' })).ok).toBe(true);
    const second = await waitForSecondResponse(agent, first.id);
    expect(second.payload).toMatchObject({ id, decision: 'deny' });
    expect(gateway.execApproval(id)?.status).toBe('denied');
    const kept = await agent.request('exec.approval.request', {
      host: 'gateway',
      command: 'echo later',
      twoPhase: true,
      requireDeliveryRoute: false,
    });
    expect(kept.payload).toMatchObject({ status: 'accepted' });
  });
});

async function waitForSecondResponse(client: RawGatewayClient, id: string) {
  for (let i = 0; i < 200; i += 1) {
    const frames = client.frames.filter((f) => f.type === 'res' && f.id === id);
    if (frames.length >= 2) return frames[1] as { payload?: unknown };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no second res frame');
}
