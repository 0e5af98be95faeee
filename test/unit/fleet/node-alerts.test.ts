import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeAlerts } from '../../../src/fleet/node-alerts.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';
import { createLogger } from '../../../src/logger.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { node } from './fleet-fixtures.js';

function setup(options: { connected?: () => boolean; quietMs?: number } = {}) {
  let nodes: NodeInfo[] | undefined = [];
  const backAtMs = new Map<string, number>();
  const listeners = new Set<() => void>();
  const storage = createMemoryStorage({ nowMs: Date.now });
  const alerts = new NodeAlerts({
    gatewayId: 'default',
    fleet: {
      current: () => nodes,
      onChange: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      backAtMs: (id) => backAtMs.get(id),
    },
    isConnected: options.connected ?? (() => true),
    channel: 'C1',
    offlineAfterMs: 60_000,
    diskPercent: 5,
    quietMs: options.quietMs ?? 600_000,
    onQueued: () => undefined,
    log: createLogger('silent'),
  });
  const set = async (next: NodeInfo[] | undefined) => {
    nodes = next;
    for (const l of listeners) l();
    await alerts.idle();
  };
  return { alerts, storage, set, backAtMs, queued: async () => (await storage.outbox.list(100)).map((q) => q.message) };
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  vi.useRealTimers();
});

describe('NodeAlerts', () => {
  it('opens one alert exactly when the delay has passed (a timer for the due time), not before', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const t = setup();
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    await t.set([node('a', { connected: false, lastSeenAtMs: 1_000_000 })]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(await t.queued()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_100);
    await t.alerts.idle();
    expect(await t.queued()).toEqual([expect.objectContaining({ kind: 'node-alert', change: 'open' })]);
    // Later checks do not open a second one.
    await t.set([node('a', { connected: false, lastSeenAtMs: 1_000_000 })]);
    expect(await t.queued()).toHaveLength(1);
  });

  it('does not alert a flapping node again during the quiet period after its alert closed', async () => {
    vi.useFakeTimers({ now: 0 });
    const t = setup({ quietMs: 600_000 });
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    await t.set([node('a', { connected: false, lastSeenAtMs: -120_000 })]);
    await t.set([node('a', { connected: true })]);
    expect((await t.queued()).map((m) => (m.kind === 'node-alert' ? m.change : ''))).toEqual(['open', 'update']);
    await vi.advanceTimersByTimeAsync(120_000);
    await t.set([node('a', { connected: false, lastSeenAtMs: 0 })]);
    await vi.advanceTimersByTimeAsync(120_000);
    await t.alerts.idle();
    expect(await t.queued()).toHaveLength(2);
    // After the quiet period it may alert again.
    await vi.advanceTimersByTimeAsync(600_000);
    await t.set([node('a', { connected: false, lastSeenAtMs: 0 })]);
    expect(await t.queued()).toHaveLength(3);
  });

  it('holds everything while the gateway session is away or the fleet is not in step', async () => {
    vi.useFakeTimers({ now: 10_000_000 });
    let up = false;
    const t = setup({ connected: () => up });
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    await t.set([node('a', { connected: false, lastSeenAtMs: 0 }), node('b', { connected: false, lastSeenAtMs: 0 })]);
    await t.set(undefined);
    expect(await t.queued()).toEqual([]);
    up = true;
    await t.set([node('a', { connected: true }), node('b', { connected: true })]);
    expect(await t.queued()).toEqual([]);
  });

  it('groups three or more due nodes into one alert; only approved nodes count', async () => {
    vi.useFakeTimers({ now: 10_000_000 });
    const t = setup();
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    const off = { connected: false, lastSeenAtMs: 0 };
    await t.set([
      node('a', off),
      node('b', off),
      node('c', off),
      node('pending', { ...off, approvalState: 'pending-approval' }),
    ]);
    const [open] = await t.storage.alerts.listOpen('default');
    expect(open?.key).toMatch(/^offline-group:/);
    expect(open?.nodes.map((n) => n.nodeId)).toEqual(['a', 'b', 'c']);
    expect(await t.queued()).toHaveLength(1);
  });

  it('gives nodes lost with the gateway the whole delay from when it is back, then alerts them as one group', async () => {
    vi.useFakeTimers({ now: 10_000_000 });
    const t = setup();
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    // Back after 5 min away: the four were last seen when the session was lost, long before the delay.
    const lostAtMs = 10_000_000 - 300_000;
    for (const id of ['a', 'b', 'c', 'd']) t.backAtMs.set(id, 10_000_000);
    const off = (id: string) => node(id, { connected: false, lastSeenAtMs: lostAtMs });
    const before = node('gone-before', { connected: false, lastSeenAtMs: 0 });
    await t.set([off('a'), off('b'), off('c'), off('d'), before]);
    // The node that was offline before the restart keeps its own clock.
    expect((await t.storage.alerts.listOpen('default')).map((a) => a.key)).toEqual([
      expect.stringMatching(/^offline:gone-before:/),
    ]);
    await vi.advanceTimersByTimeAsync(59_000);
    t.backAtMs.delete('a');
    await t.set([node('a'), off('b'), off('c'), off('d'), before]);
    expect(await t.queued()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_100);
    await t.alerts.idle();
    const open = (await t.storage.alerts.listOpen('default')).filter((a) => !a.key.includes('gone-before'));
    expect(open.map((a) => a.nodes.map((n) => [n.nodeId, n.sinceMs]))).toEqual([
      [
        ['b', lostAtMs],
        ['c', lostAtMs],
        ['d', lostAtMs],
      ],
    ]);
  });

  it('judges a check by its snapshot: nodes that reconnect while it awaits the store are not due', async () => {
    vi.useFakeTimers({ now: 10_000_000 });
    const t = setup();
    const listOpen = t.storage.alerts.listOpen.bind(t.storage.alerts);
    // The nodes come back (the model forgets their loss) while the check reads the store.
    t.storage.alerts.listOpen = async (gateway) => {
      t.backAtMs.clear();
      return listOpen(gateway);
    };
    for (const id of ['a', 'b', 'c']) t.backAtMs.set(id, 10_000_000);
    await t.set(['a', 'b', 'c'].map((id) => node(id, { connected: false, lastSeenAtMs: 0 })));
    t.alerts.start(t.storage);
    stop = () => t.alerts.stop();
    await t.alerts.idle();
    expect(t.backAtMs.size).toBe(0);
    expect(await t.queued()).toEqual([]);
  });
});
