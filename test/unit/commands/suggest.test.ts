import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../../src/commands/parse/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('nodes', 'nodes')).toBe(0);
    expect(editDistance('nodz', 'nodes')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(editDistance('😀a', '😀b')).toBe(1);
  });

  it('stops early past the maximum', () => {
    expect(editDistance('a'.repeat(50), 'b'.repeat(50), 2)).toBe(3);
    expect(editDistance('a', 'a'.repeat(10), 2)).toBe(3);
  });
});

describe('suggest', () => {
  const words = ['help', 'presence', 'status', 'nodes', 'describe', 'invoke', 'pending', 'approve', 'reject', 'remove'];

  it('suggests the closest words first', () => {
    expect(suggest('nodz', words)).toEqual(['nodes']);
    expect(suggest('invok', words)[0]).toBe('invoke');
    expect(suggest('aprove', words)[0]).toBe('approve');
    expect(suggest('REMOV', words)[0]).toBe('remove');
  });

  it('suggests words that start with a 3+ character input', () => {
    expect(suggest('pre', words)).toContain('presence');
  });

  it('suggests nothing for unrelated, empty or huge input', () => {
    expect(suggest('zzzzzzzz', words)).toEqual([]);
    expect(suggest('', words)).toEqual([]);
    expect(suggest('x'.repeat(100_000), words)).toEqual([]);
  });

  it('respects the limit and removes duplicates', () => {
    expect(suggest('node', ['node1', 'node1', 'node2', 'node3', 'node4'], 2)).toEqual(['node1', 'node2']);
  });
});
