import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../support/test-database.js';
import { CHANNEL, type Harness, startHarness } from '../support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('one bot on PostgreSQL', () => {
  it('takes the lease at once and posts the card of a request it saw twice (event and take-over reconciliation)', async () => {
    const databaseUrl = await createTestDatabase('single');
    h = await startHarness({ mode: 'http', env: { DATABASE_URL: databaseUrl, OPENCLAW_LEASE_TTL_MS: '3000' } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'pg-node', commands: ['ollama.models'] });
    const harness = h;
    await vi.waitFor(
      () =>
        expect(harness.slack.messages(CHANNEL).some((m) => JSON.stringify(m.blocks).includes(requestId))).toBe(true),
      { timeout: 10_000, interval: 20 },
    );
    expect(harness.bot.coordinator.describe()).toEqual({ default: { duties: true, epoch: 1 } });
    // The take-over reconciliation and the request's event bring the same request at once: stored once, pending.
    const record = await harness.bot.storage.requests.get({ gateway: 'default', kind: 'node', requestId });
    expect(record?.status).toBe('pending');
    expect((await harness.bot.storage.audit.list(50)).filter((a) => a.action === 'pairing.superseded')).toEqual([]);
  });
});
