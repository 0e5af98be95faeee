import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, firstGateway, type Harness, recordOf, STRANGER, startHarness } from '../support/bot-harness.js';
import { cardFor, cards, json, until } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const GiB = 1024 ** 3;

async function ask(harness: Harness, text: string): Promise<string> {
  const handle = await harness.slack.command(text, { user_id: STRANGER, channel_id: CHANNEL });
  return JSON.stringify((await handle.nextResponse({ timeoutMs: 5_000 })).body);
}

describe('what the live gateway really says', () => {
  it('shows a superseded request as superseded (the gateway reports it as "rejected"), audited as nobody’s rejection', async () => {
    h = await startHarness();
    const first = h.gateway.requestNodePairing({ displayName: 'widening', commands: ['ollama.models'] });
    const card = await cardFor(h, 'widening');
    const nodeId = h.gateway.pendingNodeRequests()[0]?.nodeId ?? '';
    const second = h.gateway.requestNodePairing({
      nodeId,
      displayName: 'widening',
      commands: ['ollama.models', 'file.fetch'],
    });
    await until(() => expect(cards(h as Harness).filter((m) => json(m).includes('widening'))).toHaveLength(2));
    await until(() => {
      const old = h?.slack.messages(CHANNEL).find((m) => m.ts === card.ts);
      expect(json(old)).toContain('Superseded by a newer request');
    });
    expect((await recordOf(h.bot, 'node', first))?.status).toBe('superseded');
    expect((await recordOf(h.bot, 'node', second))?.status).toBe('pending');
    const rows = (await h.bot.storage.audit.list(20)).filter((a) => a.requestId === first);
    expect(rows.map((a) => [a.actor, a.action])).toEqual([['gateway', 'pairing.superseded']]);
  });

  it('still shows a rejection made in the CLI as a rejection outside Slack', async () => {
    h = await startHarness();
    const requestId = h.gateway.requestNodePairing({ displayName: 'cli-rejected', commands: ['ollama.models'] });
    const card = await cardFor(h, 'cli-rejected');
    h.gateway.resolveNodeRequestExternally(requestId, 'rejected');
    await until(() => {
      const m = h?.slack.messages(CHANNEL).find((c) => c.ts === card.ts);
      expect(json(m)).toContain('Rejected outside Slack');
    });
    expect((await h.bot.storage.audit.list(5)).at(-1)).toMatchObject({
      actor: 'gateway',
      action: 'pairing.rejected',
      requestId,
    });
  });

  it('does not call a vanished node request "expired" (node requests never expire)', async () => {
    h = await startHarness({ gateway: { issueDeviceToken: true } });
    const requestId = h.gateway.requestNodePairing({ displayName: 'vanished', commands: ['ollama.models'] });
    const card = await cardFor(h, 'vanished');
    h.gateway.dropNodeRequestSilently(requestId);
    await firstGateway(h.bot).watcher.reconcile('test');
    await until(() => {
      const m = h?.slack.messages(CHANNEL).find((c) => c.ts === card.ts);
      expect(json(m)).toContain('No longer pending on the gateway');
      expect(json(m)).not.toMatch(/Expired|stopped asking/);
    });
  });

  it('lists nodes waiting for a wider surface (pending-reapproval) under nodes pending', async () => {
    h = await startHarness();
    const node = h.gateway.addNode({ displayName: 'approved-wider', commands: ['ollama.models'], approved: true });
    h.gateway.requestNodePairing({
      nodeId: node.nodeId,
      displayName: 'approved-wider',
      commands: ['ollama.models', 'x.y'],
    });
    expect(h.gateway.nodes().find((n) => n.nodeId === node.nodeId)?.approvalState).toBe('pending-reapproval');
    const pending = await ask(h, 'nodes pending');
    expect(pending).toContain('approved-wider');
    expect(pending).toContain('wider surface pending');
  });

  it('shows free disk from diskAvailableBytes, the field node hosts send', async () => {
    h = await startHarness();
    h.gateway.addNode({
      displayName: 'disky',
      commands: [],
      approved: true,
      hostStats: {
        cpuCount: 2,
        memoryTotalBytes: 8 * GiB,
        memoryFreeBytes: 2 * GiB,
        diskTotalBytes: 100 * GiB,
        diskAvailableBytes: 7 * GiB,
        updatedAtMs: Date.now(),
      },
    });
    const described = await ask(h, 'describe disky');
    expect(described).toContain('disk 7.0 GiB free of 100.0 GiB');
    expect(described).not.toContain('unknown free');
  });
});
