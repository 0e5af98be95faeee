import { describe, expect, it } from 'vitest';
import { clampPage, decodePageValue, encodePageValue, selectNodes } from '../../../src/commands/render/node-list.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';

const n = (
  nodeId: string,
  displayName: string | undefined,
  connected: boolean,
  approvalState = 'approved',
): NodeInfo => ({
  nodeId,
  displayName,
  connected,
  approvalState,
  caps: [],
  commands: [],
});

describe('selectNodes', () => {
  it('sorts online, then pending, then by case-insensitive name and id', () => {
    const nodes = [
      n('5', 'beta', false),
      n('4', 'Alpha', false),
      n('3', 'zeta', true),
      n('2', 'gamma', false, 'pending-approval'),
      n('1', undefined, false),
      n('0', 'alpha', false),
    ];
    expect(selectNodes(nodes, '').map((x) => x.nodeId)).toEqual(['3', '2', '1', '0', '4', '5']);
  });
});

describe('clampPage', () => {
  it('keeps the page in range and counts at least one page', () => {
    expect(clampPage(0, 10, 5)).toEqual({ page: 0, pageCount: 1 });
    expect(clampPage(21, 10, 5)).toEqual({ page: 2, pageCount: 3 });
    expect(clampPage(21, 10, 1.7)).toEqual({ page: 1, pageCount: 3 });
  });
});

describe('page values', () => {
  it('round-trips filter and page', () => {
    expect(decodePageValue(encodePageValue('my box', 3))).toEqual({ filter: 'my box', page: 3 });
    expect(encodePageValue('online', 1)).toBe('{"f":"online","p":1}');
  });

  it('clamps long filters without splitting surrogate pairs', () => {
    const value = encodePageValue('😀'.repeat(1_000), 0);
    expect(decodePageValue(value)?.filter).toBe('😀'.repeat(200));
  });

  it('rejects anything but the exact shape', () => {
    for (const bad of [
      '',
      'x',
      '[]',
      'null',
      '{"f":1,"p":0}',
      '{"f":"a","p":-1}',
      '{"f":"a","p":1.5}',
      '{"f":"a"}',
      `{"f":"${'a'.repeat(3000)}","p":0}`,
    ]) {
      expect(decodePageValue(bad)).toBeUndefined();
    }
  });
});
