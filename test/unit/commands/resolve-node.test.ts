import { describe, expect, it } from 'vitest';
import { resolveNode } from '../../../src/commands/resolve-node.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';

function node(nodeId: string, displayName?: string, remoteIp?: string): NodeInfo {
  return { nodeId, displayName, remoteIp, caps: [], commands: [] };
}

const nodes = [
  node('9c8b12ab34cd', 'Build Box', '10.0.0.5'),
  node('9c8b12ff0000', 'laptop', '10.0.0.6'),
  node('0a7474f2aaaa', 'probe1'),
  node('1111aaaa2222', 'twin'),
  node('3333bbbb4444', 'Twin', '10.0.0.9'),
  node('5555cccc6666', 'Büro 😀'),
];

describe('resolveNode', () => {
  it('finds a node by exact id', () => {
    expect(resolveNode('9c8b12ab34cd', nodes)).toEqual({ kind: 'found', node: nodes[0] });
  });

  it('finds a node by display name, case-insensitively and ignoring surrounding spaces', () => {
    expect(resolveNode('build box', nodes)).toEqual({ kind: 'found', node: nodes[0] });
    expect(resolveNode('  LAPTOP ', nodes)).toEqual({ kind: 'found', node: nodes[1] });
    expect(resolveNode('büro 😀', nodes)).toEqual({ kind: 'found', node: nodes[5] });
  });

  it('reports every node sharing a display name', () => {
    expect(resolveNode('TWIN', nodes)).toEqual({ kind: 'ambiguous', candidates: [nodes[3], nodes[4]] });
  });

  it('finds a node by IP', () => {
    expect(resolveNode('10.0.0.9', nodes)).toEqual({ kind: 'found', node: nodes[4] });
  });

  it('reports several nodes behind one IP as ambiguous', () => {
    const shared = [node('aaaaaaaaaaaa', 'a', '192.168.1.1'), node('bbbbbbbbbbbb', 'b', '192.168.1.1')];
    expect(resolveNode('192.168.1.1', shared)).toMatchObject({ kind: 'ambiguous', candidates: shared });
  });

  it('finds a node by a unique id prefix of at least 6 characters', () => {
    expect(resolveNode('0a7474', nodes)).toEqual({ kind: 'found', node: nodes[2] });
    expect(resolveNode('9C8B12AB', nodes)).toEqual({ kind: 'found', node: nodes[0] });
  });

  it('reports a shared prefix as ambiguous and a short prefix as unknown with suggestions', () => {
    expect(resolveNode('9c8b12', nodes)).toEqual({ kind: 'ambiguous', candidates: [nodes[0], nodes[1]] });
    expect(resolveNode('0a74', nodes)).toEqual({ kind: 'unknown', suggestions: ['0a7474f2aaaa'] });
  });

  it('prefers an exact id over a display name that equals it', () => {
    const tricky = [node('abcdef123456', 'x'), node('zzzzzz999999', 'abcdef123456')];
    expect(resolveNode('abcdef123456', tricky)).toEqual({ kind: 'found', node: tricky[0] });
  });

  it('suggests near display names for an unknown reference', () => {
    expect(resolveNode('buld box', nodes)).toEqual({ kind: 'unknown', suggestions: ['Build Box'] });
    expect(resolveNode('lapop', nodes)).toEqual({ kind: 'unknown', suggestions: ['laptop'] });
  });

  it('answers unknown with no suggestions for empty, hostile or huge references', () => {
    expect(resolveNode('', nodes)).toEqual({ kind: 'unknown', suggestions: [] });
    expect(resolveNode('<!channel>', nodes)).toEqual({ kind: 'unknown', suggestions: [] });
    expect(resolveNode('x'.repeat(100_000), nodes)).toEqual({ kind: 'unknown', suggestions: [] });
    expect(resolveNode('anything', [])).toEqual({ kind: 'unknown', suggestions: [] });
  });

  it('does not match an IP against nodes without one', () => {
    expect(resolveNode('10.0.0.7', nodes)).toMatchObject({ kind: 'unknown' });
  });

  it('resolves quickly among 10,000 nodes', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => node(`id${i.toString().padStart(10, '0')}`, `node-${i}`));
    const started = performance.now();
    expect(resolveNode('NODE-9999', many)).toMatchObject({ kind: 'found', node: { nodeId: 'id0000009999' } });
    expect(resolveNode('nope', many)).toMatchObject({ kind: 'unknown' });
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('resolveNode against names chosen to capture other references', () => {
  const node = (nodeId: string, displayName: string, remoteIp?: string) =>
    ({ nodeId, displayName, caps: [], commands: [], ...(remoteIp ? { remoteIp } : {}) }) as NodeInfo;

  it('treats a display name that equals another node IP as ambiguous, not as that node', () => {
    const real = node('aaaaaaaa1111', 'db-host', '10.0.0.5');
    const squatter = node('bbbbbbbb2222', '10.0.0.5');
    const result = resolveNode('10.0.0.5', [real, squatter]);
    expect(result.kind).toBe('ambiguous');
  });

  it('treats a display name that looks like another node id prefix as ambiguous', () => {
    const real = node('deadbeef0001', 'alpha');
    const squatter = node('cccccccc3333', 'deadbeef');
    expect(resolveNode('deadbeef', [real, squatter]).kind).toBe('ambiguous');
    expect(resolveNode('deadbeef0001', [real, squatter])).toEqual({ kind: 'found', node: real });
  });
});
