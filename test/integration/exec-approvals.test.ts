import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { cards, forgedClick, json, newestView, until } from './deny-by-default/support.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  firstGateway,
  type Harness,
  recordOf,
  STRANGER,
  startHarness,
} from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const EXEC_ON = { OPENCLAW_EXEC_APPROVALS: 'true' };
const NODE = { nodeId: 'node-exec-1', displayName: 'build-box' };

async function execHarness(mode: 'socket' | 'http', env: Record<string, string> = {}): Promise<Harness> {
  const harness = await startHarness({
    mode,
    env: { ...EXEC_ON, ...env },
    prepareGateway: (g) => g.addNode({ ...NODE, commands: ['system.run'] }),
  });
  await firstGateway(harness.bot).exec?.client.waitUntilConnected(10_000);
  return harness;
}

function execCard(harness: Harness, id: string): Promise<StoredMessage> {
  return until(() => {
    const card = cards(harness).find((m) => JSON.stringify(m.metadata ?? {}).includes(id));
    if (!card) throw new Error(`no exec card for ${id}`);
    return card;
  });
}

const buttons = (m: StoredMessage | undefined) =>
  [...json(m).matchAll(/"action_id":"(exec\.[a-z-]+|pairing\.review)"/g)].map((x) => x[1]);

describe.each(['socket', 'http'] as const)('exec approvals (%s mode)', (mode) => {
  it('posts the exact command with where, who, warnings and expiry; Allow once by an exec approver runs it once', async () => {
    h = await execHarness(mode);
    const req = h.gateway.requestExecApproval({
      nodeId: NODE.nodeId,
      argv: ['rm', '-rf', '/tmp/<build>&cache'],
      cwd: '/srv/app',
      warningText: 'Deletes files recursively',
      riskKinds: ['destructive'],
    });
    const card = await execCard(h, req.id);
    const shown = json(card);
    expect(shown).toContain('rm -rf /tmp/&lt;build&gt;&amp;cache');
    expect(shown).toContain('[\\"rm\\",\\"-rf\\",\\"/tmp/&lt;build&gt;&amp;cache\\"]');
    expect(shown).toContain('build-box');
    expect(shown).toContain('node-exec-1');
    expect(shown).toContain('/srv/app');
    expect(shown).toContain('`main`');
    expect(shown).toContain('Deletes files recursively');
    expect(shown).toContain('destructive');
    expect(shown).toContain(`<!date^${Math.floor(req.expiresAtMs / 1000)}^`);
    // ask=always: the gateway offers no allow-always, so neither does the card.
    expect(buttons(card)).toEqual(['exec.allow-once', 'exec.deny']);

    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'exec.allow-once',
      userId: ADMIN,
    });
    expect(click.acked).toBe(true);
    await until(() => expect(h?.gateway.execApproval(req.id)?.status).toBe('allowed'));
    expect(h.gateway.execApproval(req.id)?.decision).toBe('allow-once');
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(1);
    const updated = await until(() => {
      const m = cards(h as Harness).find((c) => c.ts === card.ts);
      expect(buttons(m)).toEqual([]);
      return m as StoredMessage;
    });
    expect(json(updated)).toContain(`Allowed once by <@${ADMIN}>`);
    await until(() => expect(h?.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1));
    expect(JSON.stringify(h.slack.threadReplies(CHANNEL, card.ts)[0]?.blocks)).toContain('allowed once');
    const audit = (await h.bot.storage.audit.list(20)).find((a) => a.requestId === req.id && a.outcome === 'ok');
    expect(audit).toMatchObject({ actor: ADMIN, action: 'exec.allow-once', target: 'node:node-exec-1' });
    expect(JSON.stringify(audit?.params)).toContain('/tmp/<build>&cache');
    expect(h.slack.violations).toEqual([]);
    expect(h.slack.failures).toEqual([]);
  });

  it('lets nobody but the exec approvers decide, whatever they click, and calls nothing for them', async () => {
    h = await execHarness(mode);
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    const card = await execCard(h, req.id);
    for (const user of [APPROVER, STRANGER]) {
      const click = await h.slack.action({
        channel: CHANNEL,
        messageTs: card.ts,
        actionId: 'exec.allow-once',
        userId: user,
      });
      const note = await click.nextResponse({ timeoutMs: 3_000 });
      expect(JSON.stringify(note.body)).toMatch(/only OPENCLAW_EXEC_APPROVERS/);
    }
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(0);
    expect(h.gateway.execApproval(req.id)?.status).toBe('pending');
    const refusals = (await h.bot.storage.audit.list(20)).filter(
      (a) => a.requestId === req.id && a.outcome === 'refused',
    );
    expect(refusals.map((a) => a.actor).sort()).toEqual([APPROVER, STRANGER].sort());
  });

  it('makes one gateway call for two clicks at once and tells the second clicker what won', async () => {
    h = await execHarness(mode, { OPENCLAW_EXEC_APPROVERS: `${ADMIN},U0SECOND01` });
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    const card = await execCard(h, req.id);
    const [a, b] = await Promise.all([
      h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.deny', userId: ADMIN }),
      h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.allow-once', userId: 'U0SECOND01' }),
    ]);
    await until(() => expect(h?.gateway.execApproval(req.id)?.status).not.toBe('pending'));
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(1);
    const notes = await Promise.all(
      [a, b].map((d) =>
        d.nextResponse({ timeoutMs: 3_000 }).then(
          (r) => JSON.stringify(r.body),
          () => '',
        ),
      ),
    );
    expect(notes.join(' ')).toMatch(/already|deciding it right now/);
    const final = await recordOf(h.bot, 'exec', req.id);
    expect(final?.status === 'rejected' ? 'deny' : 'allow-once').toBe(h.gateway.execApproval(req.id)?.decision);
  });

  it('keeps the card true: resolved with the CLI, expired, and a late click told what happened', async () => {
    h = await execHarness(mode);
    const cli = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['uptime'] });
    const timeout = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['df', '-h'] });
    const cliCard = await execCard(h, cli.id);
    const cliClick = forgedClick(cliCard, ADMIN, 'exec.allow-once', buttonValue(cliCard, 'exec.allow-once'));
    const timeoutCard = await execCard(h, timeout.id);
    h.gateway.resolveExecApprovalOutside(cli.id, 'deny');
    h.gateway.expireExecApproval(timeout.id);
    await until(() => {
      const c = cards(h as Harness).find((m) => m.ts === cliCard.ts);
      expect(json(c)).toContain('decided outside Slack');
      expect(json(c)).toContain('(`cli`)');
      expect(buttons(c)).toEqual([]);
    });
    await until(() => {
      const c = cards(h as Harness).find((m) => m.ts === timeoutCard.ts);
      expect(json(c)).toContain('Expired');
      expect(json(c)).not.toContain('Denied');
      expect(buttons(c)).toEqual([]);
    });
    expect((await recordOf(h.bot, 'exec', timeout.id))?.status).toBe('expired');
    // A click on the old card (its buttons as they were) changes nothing on the gateway.
    const late = await h.slack.sendAction(cliClick);
    expect(JSON.stringify((await late.nextResponse({ timeoutMs: 3_000 })).body)).toMatch(/already denied it/);
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(0);
  });

  it('posts a request made while the bot was down once it is back, and never posts one twice', async () => {
    h = await execHarness(mode);
    const before = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['echo', 'before'] });
    await execCard(h, before.id);
    await h.bot.stop();
    const during = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['echo', 'during'] });
    await h.restartBot();
    await firstGateway(h.bot).exec?.client.waitUntilConnected(10_000);
    await execCard(h, during.id);
    await firstGateway(h.bot).exec?.watcher.reconcile('test');
    await until(async () => expect(await h?.bot.storage.requests.listDirty(10)).toHaveLength(0));
    const posted = cards(h).filter((m) => JSON.stringify(m.metadata ?? {}).includes('exec:'));
    expect(posted).toHaveLength(2);
  });

  it('binds a click to the command shown: a forged fingerprint or an answer the request does not offer does nothing', async () => {
    h = await execHarness(mode);
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    const card = await execCard(h, req.id);
    const value = JSON.parse(buttonValue(card, 'exec.allow-once')) as Record<string, string>;
    const forged = await h.slack.sendAction(
      forgedClick(card, ADMIN, 'exec.allow-once', JSON.stringify({ ...value, f: 'ffffffffffffffffffffffff' })),
    );
    expect(JSON.stringify((await forged.nextResponse({ timeoutMs: 3_000 })).body)).toMatch(/out of date/);
    // allow-always is not offered (ask=always): a crafted click with that action id is refused here.
    const always = await h.slack.sendAction(forgedClick(card, ADMIN, 'exec.allow-always', JSON.stringify(value)));
    expect(JSON.stringify((await always.nextResponse({ timeoutMs: 3_000 })).body)).toMatch(/does not offer/);
    expect(h.gateway.callCount('exec.approval.resolve')).toBe(0);
  });
});

describe('exec approvals: sessions, long commands, bursts, commands', () => {
  it('opens a separate session that declares the approvals cap; with the switch off there is none and nothing is posted', async () => {
    h = await startHarness({ prepareGateway: (g) => g.addNode({ ...NODE }) });
    expect(firstGateway(h.bot).exec).toBeUndefined();
    h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    await firstGateway(h.bot).watcher.reconcile('test');
    expect(h.gateway.sessions().filter((s) => s.phase === 'ready')).toHaveLength(1);
    expect(cards(h)).toHaveLength(0);
    await h.stop();

    h = await execHarness('socket');
    const ready = h.gateway.sessions().filter((s) => s.phase === 'ready');
    expect(ready).toHaveLength(2);
    const approvals = ready.find((s) => s.displayName?.includes('exec approvals'));
    expect(approvals?.scopes).toEqual(expect.arrayContaining(['operator.approvals', 'operator.admin']));
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    await execCard(h, req.id);
  });

  it('posts exec cards in OPENCLAW_EXEC_CHANNEL when it is set, pairing cards still in the pairing channel', async () => {
    h = await startHarness({
      env: { ...EXEC_ON, OPENCLAW_EXEC_CHANNEL: 'C0EXECCHAN' },
      prepareGateway: (g) => g.addNode({ ...NODE }),
      prepareSlack: (slack) => {
        slack.addChannel('C0EXECCHAN');
        slack.joinChannel('C0EXECCHAN');
      },
    });
    await firstGateway(h.bot).exec?.client.waitUntilConnected(10_000);
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId });
    h.gateway.requestNodePairing({ displayName: 'pair-me', commands: ['ollama.models'] });
    await until(() => expect(JSON.stringify(h?.slack.messages('C0EXECCHAN').map((m) => m.metadata))).toContain(req.id));
    await until(() => expect(json(cards(h as Harness)[0])).toContain('pair-me'));
    expect(cards(h).some((m) => JSON.stringify(m.metadata ?? {}).includes(req.id))).toBe(false);
  });

  it('clamps a long command on the card (Deny only there) and shows it whole in a modal, where Allow is', async () => {
    h = await execHarness('socket');
    const long = `echo ${'x'.repeat(6_000)} END-OF-COMMAND`;
    const req = h.gateway.requestExecApproval({
      nodeId: NODE.nodeId,
      argv: ['sh', '-c', long],
      command: `sh -c '${long}'`,
    });
    const card = await execCard(h, req.id);
    expect(json(card)).not.toContain('END-OF-COMMAND');
    expect(buttons(card)).toEqual(['pairing.review', 'exec.deny']);
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.review', userId: ADMIN });
    const view = await newestView(h);
    expect(JSON.stringify(view.blocks)).toContain('END-OF-COMMAND');
    await h.slack.clickInView({ viewId: view.id, actionId: 'exec.allow-once', userId: ADMIN });
    await until(() => expect(h?.gateway.execApproval(req.id)?.status).toBe('allowed'));
    await until(() => expect(JSON.stringify(h?.slack.view(view.id)?.blocks)).toContain('Allowed once by'));
    expect(h.slack.violations).toEqual([]);
  });

  it('offers Allow always only when the gateway does, behind a confirmation that says what it grants and for how long', async () => {
    h = await execHarness('socket');
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, ask: 'on-miss', argv: ['git', 'pull'] });
    const card = await execCard(h, req.id);
    expect(buttons(card)).toEqual(['exec.allow-once', 'exec.allow-always', 'exec.deny']);
    const confirm = JSON.stringify(
      (card.blocks ?? [])
        .flatMap((b) => (b.elements as { action_id?: string; confirm?: unknown }[] | undefined) ?? [])
        .find((e) => e.action_id === 'exec.allow-always')?.confirm,
    );
    expect(confirm).toContain('/usr/bin/git');
    expect(confirm).toContain('build-box');
    expect(confirm).toMatch(/no end date/);
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.allow-always', userId: ADMIN });
    await until(() => expect(h?.gateway.execApproval(req.id)?.decision).toBe('allow-always'));
    await until(() => expect(json(cards(h as Harness).find((m) => m.ts === card.ts))).toContain('Allowed always by'));
  });

  it('coalesces a burst into digests whose entries decide nothing without the full card', async () => {
    h = await startHarness({
      env: EXEC_ON,
      slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } },
      prepareGateway: (g) => g.addNode({ ...NODE }),
    });
    await firstGateway(h.bot).exec?.client.waitUntilConnected(10_000);
    for (let i = 0; i < 8; i += 1) h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['echo', `burst-${i}`] });
    await until(async () => {
      expect(await h?.bot.storage.requests.listDirty(1)).toHaveLength(0);
      expect(cards(h as Harness).flatMap((m) => [...json(m).matchAll(/burst-\d/g)].map((x) => x[0]))).toHaveLength(8);
    }, 15_000);
    expect(cards(h).length).toBeLessThan(8);
    const digest = cards(h).find((m) => json(m).includes('Exec approvals'));
    expect(json(digest)).not.toContain('exec.allow-once');
    expect(json(digest)).toContain('pairing.review');
    expect(h.slack.violations).toEqual([]);
  });

  it('lists waiting requests with controls for exec approvers only, and shows the history to admins', async () => {
    h = await execHarness('socket');
    const req = h.gateway.requestExecApproval({ nodeId: NODE.nodeId, argv: ['ls', '/'] });
    await execCard(h, req.id);
    const asAdmin = await (await h.slack.command('approvals', { user_id: ADMIN, channel_id: CHANNEL })).nextResponse();
    expect(JSON.stringify(asAdmin.body)).toContain('exec.allow-once');
    expect(JSON.stringify(asAdmin.body)).toContain('ls /');
    const asStranger = await (
      await h.slack.command('approvals', { user_id: STRANGER, channel_id: CHANNEL })
    ).nextResponse();
    expect(JSON.stringify(asStranger.body)).toContain('ls /');
    expect(JSON.stringify(asStranger.body)).not.toContain('exec.allow-once');

    h.gateway.resolveExecApprovalOutside(req.id, 'allow-once');
    const history = await (
      await h.slack.command('approvals history 5', { user_id: ADMIN, channel_id: CHANNEL })
    ).nextResponse();
    expect(JSON.stringify(history.body)).toMatch(/allowed\*? allow-once by runtime:cli/);
    const refused = await (
      await h.slack.command('approvals history', { user_id: STRANGER, channel_id: CHANNEL })
    ).nextResponse();
    expect(JSON.stringify(refused.body)).toMatch(/needs an admin/);
    expect(h.slack.violations).toEqual([]);
  });
});

function buttonValue(card: StoredMessage, actionId: string): string {
  for (const block of card.blocks ?? []) {
    for (const e of (block.elements as { action_id?: string; value?: string }[] | undefined) ?? [])
      if (e.action_id === actionId && e.value) return e.value;
  }
  throw new Error(`no ${actionId} button`);
}
