import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject, StoredMessage } from '../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, startHarness } from '../support/bot-harness.js';
import { cards, forgedClick, json, newestView, until, untilDefined } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const SHELL = ['system.run', 'system.which', 'file.fetch'];

/** The block of a digest (or pending list) whose entry names `name`. */
function entryBlockId(message: { blocks?: JsonObject[] }, name: string): string {
  const block = (message.blocks ?? []).find((b) => JSON.stringify(b).includes(`${name}*`));
  if (typeof block?.block_id !== 'string') throw new Error(`no entry for ${name}`);
  return block.block_id;
}

async function burst(harness: Harness, count: number, commands = ['ollama.models']): Promise<StoredMessage> {
  for (let i = 0; i < count; i += 1)
    harness.gateway.requestNodePairing({ displayName: `burst-${i}`, commands: i === 2 ? SHELL : commands });
  return until(async () => {
    expect(await harness.bot.storage.requests.listDirty(1)).toHaveLength(0);
    const digest = cards(harness).find((m) => json(m).includes('burst-2*'));
    if (!digest) throw new Error('no digest yet');
    return digest;
  }, 15_000);
}

describe.each(['socket', 'http'] as const)('decisions only on a surface that was shown (%s mode)', (mode) => {
  it('gives digest entries no decision control; Review opens the whole card, where the decision is made', async () => {
    h = await startHarness({ mode, slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } } });
    const digest = await burst(h, 6);
    expect(json(digest)).not.toContain('pairing.approve');
    expect(json(digest)).not.toContain('"overflow"');
    expect(json(digest)).not.toContain('system.run'); // the entry is compact: its surface is only in the modal

    await h.slack.action({
      channel: CHANNEL,
      messageTs: digest.ts,
      actionId: 'pairing.review',
      blockId: entryBlockId(digest, 'burst-2'),
      userId: ADMIN,
    });
    const view = await newestView(h);
    const shown = JSON.stringify(view.blocks);
    for (const command of SHELL) expect(shown).toContain(`\`${command}\``);
    expect(shown).toContain('pairing.approve');
    await h.slack.clickInView({ viewId: view.id, actionId: 'pairing.approve', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    await until(() => expect(JSON.stringify(h?.slack.view(view.id)?.blocks)).toContain('Approved by'));
    await until(() => {
      const updated = h?.slack.messages(CHANNEL).find((m) => m.ts === digest.ts);
      expect(json(updated)).toMatch(/burst-2\*[^"]*\\n✅ Approved by/);
    });
    expect(h.slack.violations).toEqual([]);
  });

  it('tells a non-admin in the modal that they may not decide, and calls nothing', async () => {
    h = await startHarness({ mode, slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } } });
    const digest = await burst(h, 5);
    await h.slack.action({
      channel: CHANNEL,
      messageTs: digest.ts,
      actionId: 'pairing.review',
      blockId: entryBlockId(digest, 'burst-2'),
      userId: APPROVER,
    });
    const view = await newestView(h);
    await h.slack.clickInView({ viewId: view.id, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(JSON.stringify(h?.slack.view(view.id)?.blocks)).toMatch(/only OPENCLAW_ADMINS/));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
  });

  it('opens the same review from /openclaw pending', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'listed', commands: SHELL });
    await until(async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(1));
    const handle = await h.slack.command('pending', { user_id: ADMIN, channel_id: CHANNEL });
    await handle.nextResponse();
    const list = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the pending list');
    expect(JSON.stringify(list.blocks)).not.toContain('pairing.approve');
    await h.slack.action({
      channel: CHANNEL,
      messageTs: list.ts,
      actionId: 'pairing.review',
      blockId: entryBlockId(list, 'listed'),
      userId: ADMIN,
    });
    const view = await newestView(h);
    expect(JSON.stringify(view.blocks)).toContain('`file.fetch`');
  });

  it('refuses and audits the Approve/Reject menu of digests posted by the previous release', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'old-digest', commands: ['ollama.models'] });
    const card = await untilDefined(() => cards(h as Harness).find((m) => json(m).includes('old-digest')), 'a card');
    const old = forgedClick(card, ADMIN, 'pairing.decide', '');
    const [action] = old.actions as JsonObject[];
    const value = JSON.stringify({
      k: 'node',
      r: (await h.bot.storage.requests.listByStatus('pending'))[0]?.requestId,
      f: 'x',
      d: 'approve',
    });
    old.actions = [
      { ...action, type: 'overflow', selected_option: { text: { type: 'plain_text', text: 'Approve' }, value } },
    ];
    const click = await h.slack.sendAction(old);
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/older version of the card/);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    expect((await h.bot.storage.audit.list(5)).at(-1)).toMatchObject({
      actor: ADMIN,
      action: 'pairing.decide',
      outcome: 'refused',
    });
  });
});
