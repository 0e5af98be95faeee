import { afterEach, describe, expect, it, vi } from 'vitest';
import { FleetModel } from '../../../src/fleet/fleet-model.js';
import type { NodeInfo, NodeList } from '../../../src/gateway/schemas.js';
import { createLogger } from '../../../src/logger.js';
import { node } from './fleet-fixtures.js';

/** Gateway events as the session delivers them, driven by the test. */
function fakeEvents() {
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  const resyncs = new Set<(reason: string) => void>();
  return {
    on(event: string, handler: (p: unknown) => void) {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set);
      set.add(handler);
      return () => set.delete(handler);
    },
    onResync(handler: (reason: string) => void) {
      resyncs.add(handler);
      return () => resyncs.delete(handler);
    },
    emit(event: string, payload: unknown) {
      for (const h of handlers.get(event) ?? []) h(payload);
    },
    resync() {
      for (const h of resyncs) h('connected');
    },
  };
}

function source(initial: NodeInfo[]) {
  let nodes = initial;
  const list = vi.fn(async (): Promise<NodeList> => ({ nodes: nodes.map((n) => ({ ...n })) }));
  return { list, set: (next: NodeInfo[]) => (nodes = next) };
}

let model: FleetModel | undefined;
afterEach(() => {
  model?.stop();
  vi.useRealTimers();
});

describe('FleetModel', () => {
  it('reads node.list once after a connect and then answers from memory', async () => {
    const events = fakeEvents();
    const src = source([node('a'), node('b')]);
    model = new FleetModel({ source: src, events, log: createLogger('silent') });
    model.start();
    const [first, second] = await Promise.all([model.list(), model.list()]);
    expect(first.map((n) => n.nodeId)).toEqual(['a', 'b']);
    expect(second).toEqual(first);
    expect(await model.list()).toBe(await model.list());
    expect(src.list).toHaveBeenCalledTimes(1);
  });

  it('follows presence (node entries by device id) and host stats without a round trip', async () => {
    const events = fakeEvents();
    const src = source([node('a'), node('b', { connected: false })]);
    model = new FleetModel({ source: src, events, log: createLogger('silent') });
    model.start();
    await model.list();
    events.emit('presence', {
      presence: [
        { mode: 'gateway', reason: 'self', deviceId: 'gw', ts: 1 },
        { mode: 'node', reason: 'disconnect', deviceId: 'a', ts: 1_000 },
        { mode: 'node', reason: 'connect', deviceId: 'b', ts: 2_000 },
        { mode: 'ui', reason: 'connect', deviceId: 'c', ts: 3 },
      ],
    });
    events.emit('node.hostStats', {
      nodeId: 'a',
      hostStats: { diskTotalBytes: 100, diskAvailableBytes: 3, updatedAtMs: 5 },
    });
    const nodes = await model.list();
    expect(nodes.find((n) => n.nodeId === 'a')).toMatchObject({ connected: false, lastSeenAtMs: 1_000 });
    expect(nodes.find((n) => n.nodeId === 'a')?.hostStats).toMatchObject({ diskAvailableBytes: 3, updatedAtMs: 5 });
    expect(nodes.find((n) => n.nodeId === 'b')).toMatchObject({ connected: true, connectedAtMs: 2_000 });
    expect(src.list).toHaveBeenCalledTimes(1);
  });

  it('goes stale on pairing or inventory changes and unknown nodes (the next read fetches), and re-reads soon anyway', async () => {
    vi.useFakeTimers();
    const events = fakeEvents();
    const src = source([node('a')]);
    model = new FleetModel({ source: src, events, log: createLogger('silent'), debounceMs: 100 });
    model.start();
    await model.list();
    src.set([node('a'), node('new')]);
    events.emit('node.pair.resolved', { requestId: 'r', nodeId: 'new', decision: 'approved' });
    events.emit('node.runnerInventory.changed', { nodeId: 'new' });
    // A read right away does not serve the old list: it fetches.
    expect((await model.list()).map((n) => n.nodeId)).toEqual(['a', 'new']);
    expect(src.list).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(src.list).toHaveBeenCalledTimes(3);
    events.emit('presence', { presence: [{ mode: 'node', reason: 'connect', deviceId: 'stranger', ts: 1 }] });
    await vi.advanceTimersByTimeAsync(100);
    expect(src.list).toHaveBeenCalledTimes(4);
    events.resync();
    await vi.advanceTimersByTimeAsync(0);
    expect(src.list).toHaveBeenCalledTimes(5);
    model.invalidate();
    await model.list();
    expect(src.list).toHaveBeenCalledTimes(6);
  });

  it('does not call itself in step with a list fetched before an invalidation', async () => {
    const events = fakeEvents();
    let release: (l: NodeList) => void = () => {};
    const list = vi.fn(() => new Promise<NodeList>((r) => (release = r)));
    model = new FleetModel({ source: { list }, events, log: createLogger('silent') });
    model.start();
    const pending = model.list();
    model.invalidate(); // e.g. a rename answered while the list was on its way
    release({ nodes: [node('old-name')] });
    await pending;
    const again = model.list();
    release({ nodes: [node('new-name')] });
    expect((await again)[0]?.nodeId).toBe('new-name');
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('re-reads on the slow timer', async () => {
    vi.useFakeTimers();
    const src = source([node('a')]);
    model = new FleetModel({
      source: src,
      events: fakeEvents(),
      log: createLogger('silent'),
      refreshIntervalMs: 1_000,
    });
    model.start();
    await model.list();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(src.list).toHaveBeenCalledTimes(2);
  });

  it('carries the loss of the session over a restarted gateway that lists its nodes offline since their connect time', async () => {
    let now = 50_000;
    const events = fakeEvents();
    const src = source([
      node('a', { lastSeenAtMs: 1_000 }),
      node('b', { lastSeenAtMs: 2_000 }),
      node('c', { connected: false, lastSeenAtMs: 3_000 }),
    ]);
    model = new FleetModel({ source: src, events, log: createLogger('silent'), nowMs: () => now });
    model.start();
    await model.list();
    model.sessionLost(40_000);
    model.sessionLost(45_000); // a failed reconnect attempt: the loss was earlier
    expect(model.current()).toBeUndefined();
    // The restarted gateway: a and b offline with their connect time as last seen (what the real one lists).
    src.set([
      node('a', { connected: false, lastSeenAtMs: 1_000, lastSeenReason: 'connect' }),
      node('b', { connected: false, lastSeenAtMs: 2_000, lastSeenReason: 'connect' }),
      node('c', { connected: false, lastSeenAtMs: 3_000 }),
    ]);
    now = 60_000;
    events.resync();
    const back = await model.list();
    expect(back.map((n) => [n.nodeId, n.lastSeenAtMs])).toEqual([
      ['a', 40_000],
      ['b', 40_000],
      ['c', 3_000], // offline before the loss: its own time stands
    ]);
    expect([model.backAtMs('a'), model.backAtMs('b'), model.backAtMs('c')]).toEqual([60_000, 60_000, undefined]);
    // A later list (the slow timer, a pairing change) keeps both; a node seen connected is forgotten.
    now = 70_000;
    events.emit('presence', { presence: [{ mode: 'node', reason: 'connect', deviceId: 'a', ts: 65_000 }] });
    await model.refresh();
    expect((await model.list()).find((n) => n.nodeId === 'b')?.lastSeenAtMs).toBe(40_000);
    expect([model.backAtMs('a'), model.backAtMs('b')]).toEqual([undefined, 60_000]);
    src.set([node('a'), node('b'), node('c', { connected: false, lastSeenAtMs: 3_000 })]);
    await model.refresh();
    expect(model.backAtMs('b')).toBeUndefined();
  });
});
