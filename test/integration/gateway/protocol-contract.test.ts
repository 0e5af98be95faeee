import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeManager } from '../../../src/gateway/nodes.js';
import { validateAgainst } from '../../fakes/fake-gateway/protocol-schema.js';
import { connectClient } from './client-support.js';

/** The gateway's published schema, vendored (test/fixtures/README.md). */
const schemaFile = new URL('../../fixtures/openclaw/protocol.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { methods: Record<string, unknown> };

/** Method name → the official params definition. */
const DEFINITIONS: Record<string, string> = {
  connect: 'ConnectParams',
  'node.list': 'NodeListParams',
  'node.describe': 'NodeDescribeParams',
  'node.rename': 'NodeRenameParams',
  'node.invoke': 'NodeInvokeParams',
  'node.pair.list': 'NodePairListParams',
  'node.pair.approve': 'NodePairApproveParams',
  'node.pair.reject': 'NodePairRejectParams',
  'node.pair.remove': 'NodePairRemoveParams',
  'device.pair.list': 'DevicePairListParams',
  'device.pair.approve': 'DevicePairApproveParams',
  'device.pair.reject': 'DevicePairRejectParams',
  'node.invoke.result': 'NodeInvokeResultParams',
  'node.event': 'NodeEventParams',
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('protocol contract', () => {
  it('sends only request frames that validate against the official protocol.schema.json', async () => {
    const ctx = await connectClient();
    close = ctx.close;
    ctx.client.start();
    await ctx.client.waitUntilConnected(3_000);
    const node = ctx.gateway.addNode({
      displayName: 'alpha',
      commands: ['system.which'],
      approved: true,
      connected: true,
    });
    const nodes = new NodeManager(ctx.client);
    const calls: (() => Promise<unknown>)[] = [
      () => nodes.systemPresence(),
      () => nodes.list(),
      () => nodes.describe(node.nodeId),
      () => nodes.rename(node.nodeId, 'alpha-2'),
      () => nodes.invoke({ nodeId: node.nodeId, command: 'system.which', params: { bins: ['ls'] }, timeoutMs: 5_000 }),
      () => nodes.invoke({ nodeId: node.nodeId, command: 'system.which' }),
      () => nodes.pairList(),
      () => nodes.pairApprove('missing'),
      () => nodes.pairReject('missing'),
      () => nodes.pairRemove('missing'),
      () => nodes.devicePairList(),
      () => nodes.devicePairApprove('missing'),
      () => nodes.devicePairReject('missing'),
      () => nodes.invokeResult({ id: 'i1', nodeId: node.nodeId, ok: true }),
      () => nodes.emitEvent({ event: 'x' }),
    ];
    for (const call of calls) await call().catch(() => undefined);

    const frames = ctx.gateway.received;
    expect(new Set(frames.map((f) => f.method))).toEqual(new Set([...Object.keys(DEFINITIONS), 'system-presence']));
    for (const frame of frames) {
      expect(
        schema.methods[frame.method] ?? frame.method === 'connect',
        `${frame.method} is a gateway method`,
      ).toBeTruthy();
      const definition = DEFINITIONS[frame.method];
      if (definition === undefined) continue; // system-presence has no params definition; it sends {}.
      expect(validateAgainst(definition, frame.params), `${frame.method} params`).toBeNull();
      expect(
        validateAgainst('RequestFrame', { type: 'req', id: frame.id, method: frame.method, params: frame.params }),
      ).toBeNull();
    }
  });
});
