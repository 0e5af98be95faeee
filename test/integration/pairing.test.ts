import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  firstGateway,
  type Harness,
  recordOf,
  SECRETS,
  STRANGER,
  startHarness,
} from './support/bot-harness.js';

const HEADLESS = ['system.run', 'system.which', 'browser.proxy'];
const ORDINARY = ['ollama.models'];

const MODES = ['socket', 'http'] as const;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const cards = (harness: Harness) => harness.slack.messages(CHANNEL).filter((m) => !m.thread_ts);
const json = (m: StoredMessage) => JSON.stringify(m.blocks);
const until = <T>(fn: () => T, timeout = 5_000) => vi.waitFor(fn, { timeout, interval: 10 });

async function cardFor(harness: Harness, name: string): Promise<StoredMessage> {
  return until(() => {
    const card = cards(harness).find((m) => json(m).includes(name));
    if (!card) throw new Error(`no card for ${name}`);
    return card;
  });
}

describe.each(['socket', 'http'] as const)('pairing cards (%s mode)', (mode) => {
  it('posts a card for a new node request and an approver approves it with one click', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'build-box', commands: ORDINARY });
    const card = await cardFor(h, 'build-box');
    expect(json(card)).toContain('pairing.approve');

    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(click.acked).toBe(true);
    await until(() => expect(h?.gateway.pendingNodeRequests()).toHaveLength(0));
    expect(h.gateway.callCount('node.pair.approve')).toBe(1);
    const updated = await until(() => {
      const m = cards(h as Harness).find((c) => c.ts === card.ts);
      expect(json(m as StoredMessage)).not.toContain('pairing.approve');
      return m as StoredMessage;
    });
    expect(json(updated)).toContain(`<@${APPROVER}>`);
    await until(() => expect(h?.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1));
    const audit = (await h.bot.storage.audit.list(10)).find((a) => a.requestId === requestId && a.outcome === 'ok');
    expect(audit).toMatchObject({ actor: APPROVER, action: 'pairing.approve' });
    expect(h.slack.violations).toEqual([]);
    expect(h.slack.failures).toEqual([]);
  });
});

describe.each(MODES)('pairing decisions (%s mode)', (mode) => {
  it('refuses an approver on an admin-sensitive request without calling the gateway, and lets an admin approve', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'shell-host', commands: HEADLESS });
    const card = await cardFor(h, 'shell-host');
    const refused = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    const note = await refused.nextResponse({ timeoutMs: 3_000 });
    expect(JSON.stringify(note.body)).toMatch(/only OPENCLAW_ADMINS/);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);

    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
  });

  it('refuses people on neither list', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'plain', commands: ORDINARY });
    const card = await cardFor(h, 'plain');
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.reject',
      userId: STRANGER,
    });
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/only OPENCLAW_APPROVERS or OPENCLAW_ADMINS/);
    expect(h.gateway.callCount('node.pair.reject')).toBe(0);
    expect((await h.bot.storage.audit.list(5)).at(-1)).toMatchObject({ actor: STRANGER, outcome: 'refused' });
  });

  it('accepts members of a configured user group', async () => {
    h = await startHarness({
      mode,
      env: { OPENCLAW_APPROVERS: 'S0OPSGROUP' },
      slack: { usergroups: { S0OPSGROUP: [STRANGER] } },
    });
    h.gateway.requestNodePairing({ displayName: 'grouped', commands: ORDINARY });
    const card = await cardFor(h, 'grouped');
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.reject', userId: STRANGER });
    await until(() => expect(h?.gateway.callCount('node.pair.reject')).toBe(1));
  });

  it('makes exactly one gateway call when two approvers click at once, and tells the second who decided', async () => {
    // Slack's per-channel post limit is exercised elsewhere; here it would only slow 20 rounds down.
    h = await startHarness({
      mode,
      env: { OPENCLAW_APPROVERS: `${APPROVER},U0SECOND01` },
      slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } },
    });
    for (let round = 0; round < 20; round += 1) {
      const name = `race-${round}`;
      h.gateway.requestNodePairing({ displayName: name, commands: ORDINARY });
      const card = await cardFor(h, name);
      const before = h.gateway.callCount('node.pair.approve');
      const clicks = await Promise.all([
        h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER }),
        h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: 'U0SECOND01' }),
      ]);
      await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(before + 1));
      await until(() => {
        const notes = clicks.flatMap((c) => c.responses()).map((r) => JSON.stringify(r.body));
        expect(notes.filter((n) => /Already handled/.test(n))).toHaveLength(1);
      });
    }
    expect(h.gateway.callCount('node.pair.approve')).toBe(20);
  });

  it('marks a card superseded when the node asks again with a wider surface, and posts the new request', async () => {
    h = await startHarness({ mode });
    const nodeId = 'a'.repeat(64);
    h.gateway.requestNodePairing({ nodeId, displayName: 'widening', commands: ORDINARY });
    const card = await cardFor(h, 'widening');
    h.gateway.requestNodePairing({ nodeId, displayName: 'widening', commands: [...ORDINARY, 'system.run'] });
    await until(() => {
      const [old, fresh] = cards(h as Harness);
      expect(json(old as StoredMessage)).toMatch(/[Ss]uperseded/);
      expect(json(old as StoredMessage)).not.toContain('pairing.approve');
      expect(json(fresh as StoredMessage)).toContain('system.run');
      expect(old?.ts).toBe(card.ts);
    });
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
  });

  it('shows a gateway refusal on the card and keeps it actionable', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_GATEWAY_SCOPES: 'operator.read,operator.write,operator.pairing' } });
    h.gateway.requestNodePairing({ displayName: 'needs-admin', commands: HEADLESS });
    const card = await cardFor(h, 'needs-admin');
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    const updated = await until(() => {
      const m = cards(h as Harness).find((c) => c.ts === card.ts) as StoredMessage;
      expect(json(m)).toContain('operator.admin');
      expect(json(m)).toMatch(/lacks/);
      return m;
    });
    expect(json(updated)).toContain('pairing.approve');
    expect((await recordOf(h.bot, 'node', h.gateway.pendingNodeRequests()[0]?.requestId ?? ''))?.status).toBe(
      'pending',
    );
  });
});

describe.each(MODES)('pairing cards stay true (%s mode)', (mode) => {
  it('marks a card approved outside Slack when the CLI approves it', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'cli-approved', commands: ORDINARY });
    const card = await cardFor(h, 'cli-approved');
    h.gateway.resolveNodeRequestExternally(requestId, 'approved');
    await until(() => {
      const m = cards(h as Harness).find((c) => c.ts === card.ts) as StoredMessage;
      expect(json(m)).toMatch(/outside Slack/);
      expect(json(m)).not.toContain('pairing.approve');
    });
  });

  it('marks an expired device request as expired on the next reconciliation', async () => {
    h = await startHarness({ mode, reconcileIntervalMs: 100 });
    const requestId = h.gateway.requestDevicePairing({ displayName: 'laptop', scopes: ['operator.read'] });
    const card = await cardFor(h, 'laptop');
    h.gateway.expireRequest(requestId);
    await until(() =>
      expect(json(cards(h as Harness).find((c) => c.ts === card.ts) as StoredMessage)).toMatch(/[Ee]xpired/),
    );
  });

  it('posts each request once, across reconnects and a bot restart, and posts what arrived while it was down', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'first', commands: ORDINARY });
    await cardFor(h, 'first');
    h.gateway.dropConnections();
    await until(() => expect(firstGateway((h as Harness).bot).client.isConnected).toBe(true), 10_000);
    await h.bot.stop();
    h.gateway.requestNodePairing({ displayName: 'while-down', commands: ORDINARY });
    await h.restartBot();
    await cardFor(h, 'while-down');
    await firstGateway(h.bot).watcher.reconcile('test');
    await h.bot.delivery.sync();
    expect(cards(h).filter((m) => json(m).includes('first'))).toHaveLength(1);
    expect(cards(h)).toHaveLength(2);
  });

  it('coalesces a burst into digests that keep every request decidable', async () => {
    h = await startHarness({ mode });
    for (let i = 0; i < 40; i += 1) h.gateway.requestNodePairing({ displayName: `fleet-${i}`, commands: ORDINARY });
    await until(async () => {
      expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(40);
      expect(await (h as Harness).bot.storage.requests.listDirty(1)).toHaveLength(0);
    }, 15_000);
    const posted = cards(h);
    expect(posted.length).toBeLessThan(10);
    for (let i = 0; i < 40; i += 1) expect(posted.some((m) => json(m).includes(`fleet-${i}*`))).toBe(true);
    expect(h.slack.violations).toEqual([]);

    // Each entry stays decidable on its own, after its whole card was shown: Review fleet-7, reject it in the modal.
    const digest = posted.find((m) => json(m).includes('fleet-7*')) as StoredMessage;
    const blockId = (digest.blocks ?? []).find((b) => JSON.stringify(b).includes('fleet-7*'))?.block_id as string;
    await h.slack.action({
      channel: CHANNEL,
      messageTs: digest.ts,
      actionId: 'pairing.review',
      blockId,
      userId: APPROVER,
    });
    const modal = await until(() => {
      const opened = h?.slack.views().at(-1);
      expect(JSON.stringify(opened?.blocks)).toContain('*Commands* (1): `ollama.models`');
      return opened as { id: string };
    });
    expect(h.gateway.callCount('node.pair.reject')).toBe(0);
    await h.slack.clickInView({ viewId: modal.id, actionId: 'pairing.reject', userId: APPROVER });
    await until(() => expect(h?.gateway.callCount('node.pair.reject')).toBe(1));
    await until(() => expect(JSON.stringify(h?.slack.view(modal.id)?.blocks)).toMatch(/Rejected by/));
    const rejected = h.gateway.received.find((r) => r.method === 'node.pair.reject') as { params: unknown };
    const fleet7 = (await h.bot.storage.requests.listByStatus('rejected'))[0];
    expect(fleet7?.request.displayName).toBe('fleet-7');
    expect((rejected.params as { requestId: string }).requestId).toBe(fleet7?.requestId);
    await until(() => {
      const updated = h?.slack.messages(CHANNEL).find((m) => m.ts === digest.ts) as StoredMessage;
      expect(json(updated)).toMatch(/Rejected by/);
    });
  });

  it('keeps updating other cards when one card was deleted in Slack', async () => {
    h = await startHarness({ mode });
    const first = h.gateway.requestNodePairing({ displayName: 'deleted-card', commands: ORDINARY });
    const deleted = await cardFor(h, 'deleted-card');
    const second = h.gateway.requestNodePairing({ displayName: 'kept-card', commands: ORDINARY });
    const kept = await cardFor(h, 'kept-card');
    h.slack.deleteMessage(CHANNEL, deleted.ts);
    h.gateway.resolveNodeRequestExternally(first, 'approved');
    h.gateway.resolveNodeRequestExternally(second, 'approved');
    await until(async () => {
      const m = cards(h as Harness).find((c) => c.ts === kept.ts) as StoredMessage;
      expect(json(m)).toMatch(/outside Slack/);
      // The deleted card does not stay queued for ever either.
      expect(await (h as Harness).bot.storage.requests.listDirty(10)).toEqual([]);
    });
  });

  it('escapes hostile node names so nothing pings or links', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({
      displayName: '<!channel> <@U999> <https://evil.example|click> &amp;',
      commands: ORDINARY,
    });
    await until(() => expect(cards(h as Harness)).toHaveLength(1));
    expect(h.slack.violations).toEqual([]);
  });

  it('keeps every configured secret out of the logs', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'log-check', commands: ORDINARY });
    await cardFor(h, 'log-check');
    for (const secret of Object.values(SECRETS)) expect(h.logs.text).not.toContain(secret);
  });
});
