import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPERATOR_SCOPES } from '../../src/config.js';
import { GatewayMethodRemovedError, GatewayRequestError } from '../../src/errors.js';
import { DeviceIdentity } from '../../src/gateway/device-identity.js';
import { GatewayClient } from '../../src/gateway/gateway-client.js';
import { NodeManager } from '../../src/gateway/nodes.js';
import type { NodePairRequest } from '../../src/gateway/schemas.js';
import { createLogger } from '../../src/logger.js';
import { FileIdentityStore } from '../../src/storage/sqlite/file-identities.js';
import { LogCapture } from '../integration/support/bot-harness.js';
import {
  listDevicesViaCli,
  listNodesViaCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };

interface Session {
  client: GatewayClient;
  nodes: NodeManager;
  events: { event: string; payload: unknown }[];
  resyncs: string[];
  logs: LogCapture;
}

async function openSession(
  gw: RealGateway,
  stateDir: string,
  scopes: readonly string[] = DEFAULT_OPERATOR_SCOPES,
): Promise<Session> {
  const logs = new LogCapture();
  const client = new GatewayClient({
    url: gw.url,
    auth: { token: gw.token },
    scopes,
    displayName: 'slack-ops-e2e',
    signer: await DeviceIdentity.loadOrCreate(new FileIdentityStore(stateDir), 'default'),
    log: createLogger('debug', logs),
  });
  const events: Session['events'] = [];
  const resyncs: string[] = [];
  client.on('*', (payload, frame) => events.push({ event: frame.event, payload }));
  client.onResync((r) => resyncs.push(r));
  client.start();
  await client.waitUntilConnected(30_000);
  return { client, nodes: new NodeManager(client), events, resyncs, logs };
}

async function pendingFor(s: Session, name: string): Promise<NodePairRequest> {
  return waitFor(async () => (await s.nodes.pairList()).pending.find((r) => r.displayName === name), {
    ...WAIT,
    description: `pending request for ${name}`,
  });
}

async function rejection(promise: Promise<unknown>): Promise<GatewayRequestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayRequestError);
  return err as GatewayRequestError;
}

describe('GatewayClient against the real OpenClaw gateway', () => {
  let gw: RealGateway;
  let stateDir: string;
  let s: Session;
  const hosts: NodeHost[] = [];
  let alpha: NodePairRequest;

  beforeAll(async () => {
    gw = await startGateway();
    console.log(`openclaw gateway ${gw.version} on ${gw.url}`);
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-'));
  });

  afterAll(async () => {
    await s?.client.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await gw?.stop();
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('1. handshakes with a fresh device identity, gets all four scopes, and reuses the identity after a restart', async () => {
    s = await openSession(gw, stateDir);
    expect(s.client.grantedScopes).toEqual([...DEFAULT_OPERATOR_SCOPES]);
    const stored = JSON.parse(await fs.readFile(path.join(stateDir, 'device.json'), 'utf8')) as { deviceId: string };
    const stat = await fs.stat(path.join(stateDir, 'device.json'));
    expect(stat.mode & 0o777).toBe(0o600);
    await s.client.stop();
    s = await openSession(gw, stateDir);
    expect((await DeviceIdentity.loadOrCreate(new FileIdentityStore(stateDir), 'default')).deviceId).toBe(
      stored.deviceId,
    );
    // A local gateway-client/backend session is never put through device pairing.
    const devices = await listDevicesViaCli(gw);
    expect(devices.pending).toEqual([]);
    expect(devices.paired.some((d) => d.deviceId === stored.deviceId && d.role === 'operator')).toBe(false);
  });

  it('2. sees a new node host as node.pair.requested, and pairList shows the same request', async () => {
    hosts.push(await startNodeHost(gw, { name: 'e2e-alpha' }));
    alpha = await pendingFor(s, 'e2e-alpha');
    const event = await waitFor(
      () =>
        s.events.find(
          (e) =>
            e.event === 'node.pair.requested' && (e.payload as { requestId?: string }).requestId === alpha.requestId,
        ),
      { ...WAIT, description: 'node.pair.requested event' },
    );
    expect(event.payload).toMatchObject({ nodeId: alpha.nodeId, displayName: 'e2e-alpha' });
    expect(alpha.commands).toContain('system.run');
    expect(alpha.requiredApproveScopes).toContain('operator.admin');
    expect((await pendingNodeRequestsViaCli(gw)).map((r) => r.requestId)).toContain(alpha.requestId);
  });

  it('3. approves it (needs operator.admin for system.run); the gateway view agrees and node.pair.resolved arrives', async () => {
    await s.nodes.pairApprove(alpha.requestId);
    const list = await listNodesViaCli(gw);
    expect(list.paired.find((n) => n.nodeId === alpha.nodeId)).toMatchObject({ approvalState: 'approved' });
    await waitFor(
      () =>
        s.events.find(
          (e) => e.event === 'node.pair.resolved' && (e.payload as { decision?: string }).decision === 'approved',
        ),
      { ...WAIT, description: 'node.pair.resolved approved' },
    );
  });

  it('5. list, describe, rename, systemPresence and invoke system.which match the gateway view', async () => {
    const cli = (await listNodesViaCli(gw)).paired.find((n) => n.nodeId === alpha.nodeId);
    const listed = (await s.nodes.list()).nodes.find((n) => n.nodeId === alpha.nodeId);
    expect(listed).toMatchObject({ displayName: cli?.displayName, approvalState: 'approved', connected: true });
    expect(new Set(listed?.commands)).toEqual(new Set(cli?.commands));
    const described = await s.nodes.describe(alpha.nodeId);
    expect(described.commands).toContain('system.which');
    await waitFor(async () => (await s.nodes.describe(alpha.nodeId)).hostStats, { ...WAIT, description: 'host stats' });
    await s.nodes.rename(alpha.nodeId, 'e2e-alpha-renamed');
    expect((await listNodesViaCli(gw)).paired.find((n) => n.nodeId === alpha.nodeId)?.displayName).toBe(
      'e2e-alpha-renamed',
    );
    const presence = await s.nodes.systemPresence();
    expect(presence.some((p) => p.mode === 'gateway')).toBe(true);
    expect(presence.some((p) => p.deviceId === alpha.nodeId && p.mode === 'node')).toBe(true);
    const which = await s.nodes.invoke({
      nodeId: alpha.nodeId,
      command: 'system.which',
      params: { bins: ['ls'] },
      timeoutMs: 20_000,
    });
    expect(which).toMatchObject({ ok: true, payload: { bins: { ls: expect.stringMatching(/\/ls$/) } } });
  });

  it('6. gives typed, useful errors', async () => {
    expect((await rejection(s.nodes.describe('no-such-node'))).message).toMatch(/unknown nodeId/);
    const unknownRequest = await rejection(s.nodes.pairApprove(alpha.requestId));
    expect(unknownRequest.message).toMatch(/unknown requestId/);
    const undeclared = await rejection(s.nodes.invoke({ nodeId: alpha.nodeId, command: 'system.notify' }));
    expect(undeclared.details?.reason).toBe('command not declared by node');
    const unknownInvoke = await rejection(s.nodes.invoke({ nodeId: 'no-such-node', command: 'system.which' }));
    expect(unknownInvoke.detailCode).toBe('PAIRING_CHANGED');
    const readOnlyDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-ro-'));
    const readOnly = await openSession(gw, readOnlyDir, ['operator.read']);
    try {
      const forbidden = await rejection(readOnly.nodes.pairList());
      expect(forbidden).toMatchObject({
        gatewayCode: 'FORBIDDEN',
        detailCode: 'MISSING_SCOPE',
        missingScope: 'operator.pairing',
      });
    } finally {
      await readOnly.client.stop();
      await fs.rm(readOnlyDir, { recursive: true, force: true });
    }
  });

  it('7. answers the seed leftovers: removed methods locally, node-role calls with a gateway error', async () => {
    await expect(s.nodes.pairRequest()).rejects.toBeInstanceOf(GatewayMethodRemovedError);
    await expect(s.nodes.pairVerify()).rejects.toThrow(/removed from the OpenClaw gateway in 2026\.7/);
    const raw = await rejection(s.client.request('node.pair.request', {}));
    expect(raw.message).toMatch(/unknown method: node\.pair\.request/);
    expect((await rejection(s.nodes.invokeResult({ id: 'x', nodeId: alpha.nodeId, ok: true }))).message).toMatch(
      /unauthorized role/,
    );
    expect((await rejection(s.nodes.emitEvent({ event: 'x' }))).message).toMatch(/unauthorized role/);
  });

  it('4. rejects a second node host and removes the approved one', async () => {
    hosts.push(await startNodeHost(gw, { name: 'e2e-beta', commands: ['system.which'] }));
    const beta = await pendingFor(s, 'e2e-beta');
    await s.nodes.pairReject(beta.requestId);
    expect((await listNodesViaCli(gw)).paired.find((n) => n.nodeId === beta.nodeId)?.approvalState).toBe('unapproved');
    await s.nodes.pairRemove(alpha.nodeId);
    await waitFor(
      async () =>
        !(await listNodesViaCli(gw)).paired.some((n) => n.nodeId === alpha.nodeId && n.approvalState === 'approved'),
      {
        ...WAIT,
        description: 'alpha removed',
      },
    );
    await waitFor(
      () =>
        s.events.find(
          (e) => e.event === 'node.pair.resolved' && (e.payload as { decision?: string }).decision === 'removed',
        ),
      { ...WAIT, description: 'node.pair.resolved removed' },
    );
  });

  it('8. reconnects by itself after the gateway is SIGKILLed and restarted, and events flow again', async () => {
    const resyncsBefore = s.resyncs.length;
    await gw.kill('SIGKILL');
    await waitFor(() => !s.client.isConnected, { ...WAIT, description: 'client notices the loss' });
    const restarted = await startGateway({ port: gw.port, home: gw.home, token: gw.token });
    gw = restarted;
    const backAtMs = Date.now();
    await s.client.waitUntilConnected(30_000);
    console.log(`reconnected ${Date.now() - backAtMs} ms after the gateway was ready again`);
    expect(s.resyncs.length).toBeGreaterThan(resyncsBefore);
    hosts.push(await startNodeHost(gw, { name: 'e2e-gamma', commands: ['system.which'] }));
    const gamma = await pendingFor(s, 'e2e-gamma');
    await waitFor(
      () =>
        s.events.find(
          (e) =>
            e.event === 'node.pair.requested' && (e.payload as { requestId?: string }).requestId === gamma.requestId,
        ),
      { ...WAIT, description: 'event after reconnect' },
    );
    expect(s.logs.text).not.toContain(gw.token);
  });
});
