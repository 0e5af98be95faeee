import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL, firstGateway, type Harness, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
const until = <T>(fn: () => T, timeout = 8_000) => vi.waitFor(fn, { timeout, interval: 20 });
const texts = (harness: Harness) => harness.slack.messages(CHANNEL).map((m) => m.text);

describe('gateway outage alerts', () => {
  it('posts one alert for a long outage and one recovery message, with no flapping spam', async () => {
    h = await startHarness({ env: { OPENCLAW_ALERT_AFTER_MS: '300' } });
    const port = h.gateway.port;
    // A short blip below the threshold posts nothing.
    h.gateway.dropConnections();
    await until(() => expect(firstGateway((h as Harness).bot).client.isConnected).toBe(true));
    await h.gateway.stop();
    await until(() => expect(texts(h as Harness).filter((t) => /down since/.test(t))).toHaveLength(1));
    await h.gateway.start({ port });
    await until(() => expect(texts(h as Harness).filter((t) => /is back after/.test(t))).toHaveLength(1));
    expect(texts(h).filter((t) => /down since/.test(t))).toHaveLength(1);
    expect(h.slack.violations).toEqual([]);
  });
});
