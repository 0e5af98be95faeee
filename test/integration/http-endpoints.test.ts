import { afterEach, describe, expect, it, vi } from 'vitest';
import { APPROVER, CHANNEL, firstGateway, type Harness, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
const get = (harness: Harness, path: string) => fetch(`http://127.0.0.1:${harness.bot.port}${path}`);

describe('HTTP endpoints', () => {
  it('answers /healthz always and /readyz only while the gateway session is up', async () => {
    h = await startHarness();
    expect((await get(h, '/healthz')).status).toBe(200);
    expect((await get(h, '/readyz')).status).toBe(200);
    await h.gateway.stop();
    await vi.waitFor(() => expect(firstGateway((h as Harness).bot).client.isConnected).toBe(false), {
      timeout: 5_000,
      interval: 10,
    });
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, gateways: { default: { state: 'reconnecting' } } });
    expect((await get(h, '/healthz')).status).toBe(200);
  });

  it('exports Prometheus metrics for the gateway, pairing decisions and acks', async () => {
    h = await startHarness();
    h.gateway.requestNodePairing({ displayName: 'metered', commands: ['ollama.models'] });
    const card = await vi.waitFor(
      () => {
        const m = h?.slack.messages(CHANNEL)[0];
        if (!m) throw new Error('no card yet');
        return m;
      },
      { timeout: 5_000, interval: 10 },
    );
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await vi.waitFor(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1), { timeout: 5_000, interval: 10 });
    await h.slack.command('help', { user_id: APPROVER, channel_id: CHANNEL });
    const res = await get(h, '/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^openclaw_gateway_connected\{gateway="default"\} 1$/m);
    expect(text).toMatch(/^openclaw_pairing_decisions_total\{outcome="decided",gateway="default"\} 1$/m);
    expect(text).toMatch(/^openclaw_slack_click_ack_seconds_count 1$/m);
    expect(text).toMatch(/^openclaw_slack_command_ack_seconds_count 1$/m);
    expect(text).toMatch(/^openclaw_pairing_pending_requests\{gateway="default"\} 0$/m);
  });
});
