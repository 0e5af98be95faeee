import { describe, expect, it } from 'vitest';
import { NodeInfoSchema, NodePairRequestSchema } from '../../../src/gateway/schemas.js';

describe('gateway result schemas', () => {
  it('accept the live gateway node shape, including sessionHost as a boolean', () => {
    const node = NodeInfoSchema.parse({
      nodeId: 'abc',
      displayName: 'alpha',
      sessionHost: true,
      caps: ['system'],
      commands: ['system.which'],
      hostStats: { cpuCount: 2, loadAverage: [0.1, 0.2, 0.3] },
      extraFieldFromANewerGateway: { nested: 1 },
    });
    expect(node).toMatchObject({ nodeId: 'abc', sessionHost: true, commands: ['system.which'] });
  });

  it('turn informational fields of an unexpected type into absent values, but keep ids strict', () => {
    const node = NodeInfoSchema.parse({ nodeId: 'abc', displayName: 42, caps: 'nope', lastSeenAtMs: 'yesterday' });
    expect(node.displayName).toBeUndefined();
    expect(node.caps).toEqual([]);
    expect(node.lastSeenAtMs).toBeUndefined();
    expect(NodeInfoSchema.safeParse({ nodeId: 7 }).success).toBe(false);
    expect(NodePairRequestSchema.safeParse({ requestId: '', nodeId: 'n' }).success).toBe(false);
  });
});
