import { describe, expect, it } from 'vitest';
import { NodeDirectory } from '../../../src/commands/node-directory.js';
import type { NodeList } from '../../../src/gateway/schemas.js';

function source() {
  let calls = 0;
  let release: () => void = () => {};
  const list = () => {
    calls += 1;
    return new Promise<NodeList>((resolve) => {
      release = () => resolve({ nodes: [{ nodeId: `n${calls}`, caps: [], commands: [] }] });
    });
  };
  return { list, calls: () => calls, release: () => release() };
}

describe('NodeDirectory', () => {
  it('shares one fetch between concurrent callers and reuses it within the TTL', async () => {
    let now = 0;
    const s = source();
    const directory = new NodeDirectory(s, 2_000, () => now);
    const both = Promise.all([directory.list(), directory.list()]);
    s.release();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(s.calls()).toBe(1);
    now = 1_999;
    expect(await directory.list()).toBe(a);
    expect(s.calls()).toBe(1);
  });

  it('fetches again after the TTL or an invalidation', async () => {
    let now = 0;
    const s = source();
    const directory = new NodeDirectory(s, 2_000, () => now);
    const first = directory.list();
    s.release();
    await first;
    now = 2_000;
    const second = directory.list();
    s.release();
    expect((await second)[0]?.nodeId).toBe('n2');
    directory.invalidate();
    const third = directory.list();
    s.release();
    expect((await third)[0]?.nodeId).toBe('n3');
  });
});
