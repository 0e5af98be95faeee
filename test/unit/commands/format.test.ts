import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatBytes,
  formatDuration,
  formatNumber,
  formatSince,
} from '../../../src/commands/render/format.js';

describe('formatAgo', () => {
  it('says how long ago in the largest sensible unit', () => {
    expect(formatAgo(0)).toBe('just now');
    expect(formatAgo(-5_000)).toBe('just now');
    expect(formatAgo(45_000)).toBe('45 s ago');
    expect(formatAgo(3 * 60_000 + 59_000)).toBe('3 min ago');
    expect(formatAgo(2 * 3_600_000)).toBe('2 h ago');
    expect(formatAgo(5 * 86_400_000)).toBe('5 d ago');
    expect(formatAgo(Number.NaN)).toBe('unknown');
  });

  it('says never for a missing time', () => {
    expect(formatSince(undefined, 1000)).toBe('never');
    expect(formatSince(0, 120_000)).toBe('2 min ago');
  });
});

describe('formatDuration', () => {
  it('uses ms, s, min and h', () => {
    expect(formatDuration(350)).toBe('350 ms');
    expect(formatDuration(1_234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3_600_000 + 4 * 60_000)).toBe('3 h 4 min');
    expect(formatDuration(-1)).toBe('unknown');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.0 GiB');
    expect(formatBytes(2 * 1024 ** 6)).toBe('2048.0 PiB');
    expect(formatBytes(undefined)).toBe('unknown');
    expect(formatBytes(-1)).toBe('unknown');
  });

  it('formats numbers and marks missing ones', () => {
    expect(formatNumber(0.51234)).toBe('0.51');
    expect(formatNumber(undefined)).toBe('?');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('?');
  });
});
