import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { until } from './deny-by-default/support.js';
import { CHANNEL, firstGateway, type Harness, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const FAST = { OPENCLAW_NODE_OFFLINE_AFTER_MS: '1000' };
const top = (harness: Harness) => harness.slack.messages(CHANNEL).filter((m) => !m.thread_ts);
const text = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

function alertMessage(harness: Harness, match: string): Promise<StoredMessage> {
  return until(() => {
    const found = top(harness).find((m) => text(m).includes(match));
    if (!found) throw new Error(`no alert matching ${match}`);
    return found;
  }, 10_000);
}

describe.each(['socket', 'http'] as const)('node alerts (%s mode)', (mode) => {
  it('posts one message when an approved node stays offline past the delay, and a reply and an update when it is back', async () => {
    let nodeId = '';
    h = await startHarness({
      mode,
      env: FAST,
      prepareGateway: (g) => {
        nodeId = g.addNode({ displayName: 'edge-7', approved: true, connected: true }).nodeId;
      },
    });
    await firstGateway(h.bot).directory.list();
    const offAt = Date.now();
    h.gateway.setNodeConnected(nodeId, false);
    const alert = await alertMessage(h, 'is offline since');
    expect(text(alert)).toContain('edge-7');
    // Not before the delay: the message was posted at least OPENCLAW_NODE_OFFLINE_AFTER_MS after the disconnect.
    expect(Number(alert.ts) * 1000 - offAt).toBeGreaterThanOrEqual(900);
    const listed = await (
      await h.slack.command('nodes offline', { user_id: 'U0STRANGER', channel_id: CHANNEL })
    ).nextResponse();
    expect(JSON.stringify(listed.body)).toMatch(/edge-7.*alert open \(offline\)/);
    h.gateway.setNodeConnected(nodeId, true);
    await until(() => expect(h?.slack.threadReplies(CHANNEL, alert.ts)).toHaveLength(1), 10_000);
    expect(JSON.stringify(h.slack.threadReplies(CHANNEL, alert.ts)[0]?.blocks)).toMatch(/edge-7.*back online/);
    await until(() => expect(text(top(h as Harness).find((m) => m.ts === alert.ts))).toContain('was offline from'));
    expect(top(h).filter((m) => text(m).includes('edge-7'))).toHaveLength(1);
    expect(h.slack.violations).toEqual([]);
    expect(h.slack.failures).toEqual([]);
  });
});

describe('node alerts', () => {
  it('groups nodes that go offline together into one message, and ticks them off as they come back', async () => {
    const ids: string[] = [];
    h = await startHarness({
      env: FAST,
      prepareGateway: (g) => {
        for (let i = 0; i < 5; i += 1)
          ids.push(g.addNode({ displayName: `rack-${i}`, approved: true, connected: true }).nodeId);
      },
    });
    await firstGateway(h.bot).directory.list();
    for (const id of ids) h.gateway.setNodeConnected(id, false);
    const alert = await alertMessage(h, 'nodes are offline');
    expect(text(alert)).toContain('5 nodes');
    expect(top(h).filter((m) => text(m).includes('rack-'))).toHaveLength(1);
    for (const id of ids.slice(0, 2)) h.gateway.setNodeConnected(id, true);
    await until(() => expect(text(top(h as Harness).find((m) => m.ts === alert.ts))).toContain('3 still offline'));
    for (const id of ids.slice(2)) h.gateway.setNodeConnected(id, true);
    await until(() => expect(text(top(h as Harness).find((m) => m.ts === alert.ts))).toContain('are back online'));
    expect(h.slack.threadReplies(CHANNEL, alert.ts).length).toBeGreaterThanOrEqual(1);
  });

  it('alerts once on low disk from host stats and says so in the thread when it recovers', async () => {
    let nodeId = '';
    const stats = (free: number) => ({
      diskTotalBytes: 100 * 2 ** 30,
      diskAvailableBytes: free * 2 ** 30,
      updatedAtMs: Date.now(),
    });
    h = await startHarness({
      prepareGateway: (g) => {
        nodeId = g.addNode({ displayName: 'db-host', approved: true, connected: true, hostStats: stats(50) }).nodeId;
      },
    });
    await firstGateway(h.bot).directory.list();
    h.gateway.emitEvent('node.hostStats', { nodeId, hostStats: stats(3) });
    const alert = await alertMessage(h, 'Low disk');
    expect(text(alert)).toContain('3.0% free');
    h.gateway.emitEvent('node.hostStats', { nodeId, hostStats: stats(2) });
    h.gateway.emitEvent('node.hostStats', { nodeId, hostStats: stats(40) });
    await until(() => expect(h?.slack.threadReplies(CHANNEL, alert.ts)).toHaveLength(1));
    expect(JSON.stringify(h.slack.threadReplies(CHANNEL, alert.ts)[0]?.blocks)).toContain('Disk space is back');
    expect(top(h).filter((m) => text(m).includes('Low disk') || text(m).includes('Disk space'))).toHaveLength(1);
  });

  it('keeps an open alert across a restart: no second message, and the reply goes under the first one', async () => {
    let nodeId = '';
    h = await startHarness({
      env: FAST,
      prepareGateway: (g) => {
        nodeId = g.addNode({ displayName: 'laptop-3', approved: true, connected: true }).nodeId;
      },
    });
    await firstGateway(h.bot).directory.list();
    h.gateway.setNodeConnected(nodeId, false);
    const alert = await alertMessage(h, 'is offline since');
    await h.restartBot();
    await firstGateway(h.bot).directory.list();
    h.gateway.setNodeConnected(nodeId, true);
    await until(() => expect(h?.slack.threadReplies(CHANNEL, alert.ts)).toHaveLength(1), 10_000);
    expect(top(h).filter((m) => text(m).includes('laptop-3'))).toHaveLength(1);
  });

  it('stays quiet with OPENCLAW_NODE_ALERTS=false (node alerts are not part of the duties at all)', async () => {
    let nodeId = '';
    h = await startHarness({
      env: { ...FAST, OPENCLAW_NODE_ALERTS: 'false' },
      prepareGateway: (g) => {
        nodeId = g.addNode({ displayName: 'silent-1', approved: true, connected: true }).nodeId;
      },
    });
    expect(firstGateway(h.bot).duties.watchesNodes).toBe(false);
    h.gateway.setNodeConnected(nodeId, false);
    // The node's offline state reaches the bot; with alerts off, nothing is ever queued for it.
    await until(async () =>
      expect(
        (await firstGateway((h as Harness).bot).directory.list()).find((n) => n.nodeId === nodeId)?.connected,
      ).toBe(false),
    );
    expect(await h.bot.storage.alerts.listOpen('default')).toEqual([]);
  });
});
