import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveNodeViaCli,
  gatewayCli,
  listDevicesViaCli,
  listNodesViaCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

describe('real gateway harness', () => {
  let gw: RealGateway;
  let node: NodeHost | undefined;

  beforeAll(async () => {
    const startedMs = Date.now();
    gw = await startGateway();
    console.log(`openclaw gateway ${gw.version} ready on ${gw.url} in ${Date.now() - startedMs} ms`);
  });

  it('reports the pinned version through the gateway status call', async () => {
    const status = (await gatewayCli(gw, ['gateway', 'call', 'status'])) as { runtimeVersion?: unknown };
    console.log(`gateway runtimeVersion ${String(status.runtimeVersion)}`);
    expect(status.runtimeVersion).toBe(gw.version);
  });

  afterAll(async () => {
    await node?.stop();
    await gw?.stop();
  });

  it('shows a new node host as pending and approves it through the CLI', async () => {
    const startedMs = Date.now();
    node = await startNodeHost(gw, { name: 'harness-node' });
    const request = await waitFor(
      async () => (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === 'harness-node'),
      { timeoutMs: 60_000, intervalMs: 500, description: 'pending request for harness-node' },
    );
    console.log(`node pairing request pending after ${Date.now() - startedMs} ms`);
    expect(request).toMatchObject({ clientId: 'node-host', clientMode: 'node', platform: 'linux' });
    expect(request.requiredApproveScopes).toContain('operator.pairing');

    const approval = await approveNodeViaCli(gw, request.requestId);
    expect(approval).toMatchObject({ requestId: request.requestId, node: { nodeId: request.nodeId } });

    const list = await listNodesViaCli(gw);
    expect(list.pending).toEqual([]);
    expect(list.paired.find((n) => n.nodeId === request.nodeId)).toMatchObject({
      displayName: 'harness-node',
      approvalState: 'approved',
      connected: true,
      commands: request.commands,
    });
    const devices = await listDevicesViaCli(gw);
    expect(devices.paired.find((d) => d.deviceId === request.nodeId)).toMatchObject({ role: 'node' });
  });

  it('stops the gateway and its process group', async () => {
    await node?.stop();
    node = undefined;
    await gw.stop();
    expect(gw.isRunning()).toBe(false);
    expect(() => process.kill(-gw.pid, 0)).toThrow(/ESRCH/);
  });
});
