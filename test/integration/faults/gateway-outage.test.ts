import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, firstGateway, type Harness } from '../support/bot-harness.js';
import { cardsFor, checkAndStop, ORDINARY, startFaultHarness, until } from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const lostLines = (harness: Harness) =>
  harness.logs.lines.filter((line) => line.includes('gateway connection lost (close 1006)')).length;
const texts = (harness: Harness) => harness.slack.messages(CHANNEL).map((m) => m.text);

describe('gateway outage', () => {
  it('reconnects within 5 s of the gateway coming back and posts what arrived meanwhile, once each', async () => {
    h = await startFaultHarness({ env: { OPENCLAW_ALERT_AFTER_MS: '500' } });
    const harness = h;
    const before = harness.gateway.requestNodePairing({ displayName: 'before-outage', commands: ORDINARY });
    await until(() => expect(cardsFor(harness, before)).toHaveLength(1));
    const port = harness.gateway.port;

    await harness.gateway.stop();
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(false));
    // Filed while nobody listens: only reconciliation after the reconnect can find it.
    const during = harness.gateway.requestNodePairing({ displayName: 'during-outage', commands: ORDINARY });
    // Two refused reconnects push the backoff to ~4 s, so a prompt reconnect needs the early probe.
    await until(() => expect(lostLines(harness)).toBeGreaterThanOrEqual(2), 10_000);
    expect(firstGateway(harness.bot).client.isConnected).toBe(false);

    await harness.gateway.start({ port });
    const restartedAt = performance.now();
    // Filed on the restarted gateway before the bot has reconnected (no session yet to push an event to).
    expect(harness.gateway.connections).toBe(0);
    const afterRestart = harness.gateway.requestNodePairing({ displayName: 'after-restart', commands: ORDINARY });
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(true), 10_000);
    const reconnectMs = performance.now() - restartedAt;
    expect(reconnectMs).toBeLessThan(5_000);

    await until(() => {
      for (const id of [before, during, afterRestart]) expect(cardsFor(harness, id)).toHaveLength(1);
    });
    await until(() => expect(texts(harness).filter((t) => /is back after/.test(t))).toHaveLength(1));
    // Settle: a further reconciliation and sync must not post anything again.
    await firstGateway(harness.bot).watcher.reconcile('test');
    await harness.bot.delivery.sync();
    for (const id of [before, during, afterRestart]) expect(cardsFor(harness, id)).toHaveLength(1);
    expect(texts(harness).filter((t) => /down since/.test(t))).toHaveLength(1);
    expect(texts(harness).filter((t) => /is back after/.test(t))).toHaveLength(1);
    expect(harness.slack.messages(CHANNEL)).toHaveLength(5);
    expect(harness.slack.violations).toEqual([]);
  });

  it('keeps answering commands during the outage and answers normally once the gateway is back', async () => {
    h = await startFaultHarness();
    const harness = h;
    harness.gateway.addNode({ displayName: 'steady', commands: ORDINARY, approved: true, connected: true });
    const port = harness.gateway.port;
    await harness.gateway.stop();
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(false));
    const down = await harness.slack.command('nodes', { channel_id: CHANNEL });
    expect(down.acked).toBe(true);
    expect(JSON.stringify((await down.nextResponse({ timeoutMs: 5_000 })).body)).toMatch(/unreachable/);
    await harness.gateway.start({ port });
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(true), 10_000);
    const up = await harness.slack.command('nodes', { channel_id: CHANNEL });
    expect(JSON.stringify((await up.nextResponse({ timeoutMs: 5_000 })).body)).toContain('steady');
    expect(down.responses()).toHaveLength(1);
    expect(up.responses()).toHaveLength(1);
  });
});
