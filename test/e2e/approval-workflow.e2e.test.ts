import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { buttonValue } from '../integration/deny-by-default/support.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  recordOf,
  type SlackBot,
  startSlackBot,
} from '../integration/support/bot-harness.js';
import {
  gatewayCli,
  listNodesViaCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };
/** The only harmless built-in command a headless node host advertises: approvers (not only admins) may approve it. */
const ORDINARY = ['ollama.models'];
const DURATION_MS = 15_000;
/** What a node host prints when the gateway closes its session after `node.pair.remove`. */
const REMOVED_LINE = 'node host gateway closed (4001): device removed';
/** The second approver of the two-person suite (the harness lets the bot mention it). */
const SECOND = 'U0SECOND01';

/** `node.pair.list` straight from the gateway: its store of node pairings (pending requests and paired nodes). */
interface NodePairList {
  readonly pending: readonly { readonly requestId: string; readonly nodeId: string; readonly displayName: string }[];
  readonly paired: readonly { readonly nodeId: string; readonly displayName: string; readonly approvedAtMs: number }[];
}

const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

/**
 * Issue 16 against the real gateway: Revoke on an approved node's card, a time-bound approval whose end removes the
 * node, the two-person rule and the receipt under an approved card, all checked on the gateway's own state (its CLI
 * and the node host's session), not only on the cards.
 */
describe('the approval workflow (Revoke, time-bound approvals, two-person rule, receipts), against the real OpenClaw gateway and node hosts', () => {
  let gw: RealGateway;
  let app: SlackBot;
  let stateDir: string;
  const hosts: NodeHost[] = [];

  const pairList = async () =>
    (await gatewayCli(gw, ['gateway', 'call', 'node.pair.list', '--params', '{}'])) as NodePairList;
  /** The node's pairing as the gateway stores it, or undefined when it has none. */
  const pairedOnGateway = async (nodeId: string) => (await pairList()).paired.find((n) => n.nodeId === nodeId);
  /** The node as `nodes list` shows it (approvalState, effective commands). */
  const listedOnGateway = async (nodeId: string) => (await listNodesViaCli(gw)).paired.find((n) => n.nodeId === nodeId);

  // The helpers below look at `bot` (the suite's bot unless told): the two-person suite runs a bot of its own.
  const cards = (bot = app) => bot.slack.messages(CHANNEL).filter((m) => !m.thread_ts);
  const current = (ts: string, bot = app) => cards(bot).find((m) => m.ts === ts);
  const replies = (ts: string, bot = app) => bot.slack.threadReplies(CHANNEL, ts).map((m) => JSON.stringify(m.blocks));
  const notes = (click: { responses(): { body: unknown }[] }) => click.responses().map((r) => JSON.stringify(r.body));
  /** Waits for the receipt under a card ("… is in effect … with N commands …") and returns its text. */
  const receiptOf = (ts: string, bot = app) =>
    waitFor(() => replies(ts, bot).find((r) => r.includes('is in effect')), {
      ...WAIT,
      description: 'the receipt under the card',
    });

  /** Starts a node host advertising only ORDINARY and waits for its card and its pending request on the gateway. */
  const pendingHost = async (name: string, bot = app) => {
    const host = await startNodeHost(gw, { name, commands: ORDINARY });
    hosts.push(host);
    const request = await waitFor(
      async () => (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === name),
      { ...WAIT, description: `pairing request of ${name} on the gateway` },
    );
    expect(request.requiredApproveScopes).not.toContain('operator.admin');
    const card = await waitFor(
      () => cards(bot).find((m) => json(m).includes(name) && json(m).includes(request.requestId.slice(0, 8))),
      { ...WAIT, description: `card for ${name}` },
    );
    return { host, request, card };
  };

  beforeAll(async () => {
    gw = await startGateway();
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-approval-'));
    app = await startSlackBot(
      { url: gw.url, token: gw.token },
      { stateDir, expiryCheckMs: 500, env: { OPENCLAW_APPROVAL_DURATIONS: '15s' } },
    );
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await gw?.stop();
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('revokes an approved node from its card: an approver cannot, an admin removes it on the gateway, card and thread say so', async () => {
    const { host, request, card } = await pendingHost('revoke-host');
    const { nodeId } = request;
    await app.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    const paired = await waitFor(() => pairedOnGateway(nodeId), { ...WAIT, description: 'revoke-host paired' });
    await waitFor(async () => (await listedOnGateway(nodeId))?.approvalState === 'approved', {
      ...WAIT,
      description: 'revoke-host approved in nodes list',
    });
    const approved = await waitFor(
      () => {
        const now = current(card.ts);
        return json(now).includes('pairing.revoke') ? now : undefined;
      },
      { ...WAIT, description: 'the Revoke button on the approved card' },
    );
    expect(JSON.parse(buttonValue(approved, 'pairing.revoke'))).toEqual({ g: 'default', r: request.requestId });
    // The receipt comes once the bot sees the node connected with its approved commands: before the revoke here, so
    // the thread's order below is fixed.
    const count = (await listedOnGateway(nodeId))?.commands.length ?? -1;
    expect(await receiptOf(card.ts)).toContain(`with ${count} command${count === 1 ? '' : 's'}`);

    // An approver is not an admin: refused, and the gateway still has the node.
    const refused = await app.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.revoke',
      userId: APPROVER,
    });
    await waitFor(
      () =>
        notes(refused)
          .join()
          .match(/can't revoke/),
      { ...WAIT, description: 'the refusal note' },
    );
    expect((await pairedOnGateway(nodeId))?.approvedAtMs).toBe(paired.approvedAtMs);
    expect((await listedOnGateway(nodeId))?.approvalState).toBe('approved');
    expect(host.output()).not.toContain(REMOVED_LINE);
    expect(json(current(card.ts))).not.toContain('Revoked by');

    const click = await app.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.revoke',
      userId: ADMIN,
    });
    expect(click.acked).toBe(true);
    // The gateway's own view: the pairing is gone, and the node host's session was closed for it.
    await waitFor(async () => (await pairedOnGateway(nodeId)) === undefined, {
      ...WAIT,
      description: 'revoke-host no longer paired on the gateway',
    });
    await waitFor(() => host.output().includes(REMOVED_LINE), { ...WAIT, description: 'the node host disconnected' });
    expect((await listedOnGateway(nodeId))?.approvalState).not.toBe('approved');
    await waitFor(
      () =>
        notes(click)
          .join()
          .match(/Revoked: node revoke-host was removed/),
      {
        ...WAIT,
        description: 'the admin’s note',
      },
    );
    await waitFor(
      () =>
        json(current(card.ts)).includes(`Revoked by <@${ADMIN}>`) && !json(current(card.ts)).includes('pairing.revoke'),
      { ...WAIT, description: 'the card says who revoked it, without Revoke' },
    );
    await waitFor(() => replies(card.ts).at(-1)?.includes(`<@${ADMIN}> revoked node *revoke-host*`), {
      ...WAIT,
      description: 'the revoke reply in the thread',
    });
    // The receipt is said once: in the approval's own reply when known by then, else in a reply of its own.
    const thread = replies(card.ts);
    expect(thread[0]).toContain(`<@${APPROVER}> approved node *revoke-host*`);
    expect(thread.join('\n').split('is in effect')).toHaveLength(2);
    expect(thread.length).toBeLessThanOrEqual(3);
    expect((await recordOf(app.bot, 'node', request.requestId))?.status).toBe('removed');
    const audit = await app.bot.storage.audit.list(50);
    expect(audit.filter((a) => a.action === 'remove').map((a) => [a.actor, a.outcome])).toEqual(
      expect.arrayContaining([
        [APPROVER, 'refused'],
        [ADMIN, 'ok'],
      ]),
    );

    // The node host reconnects at once, is silently re-paired as a device on loopback and asks again: a new request
    // (same node id, new request id) that is not approved, and a new card for it.
    const again = await waitFor(
      async () => (await pairList()).pending.find((r) => r.nodeId === nodeId && r.requestId !== request.requestId),
      { ...WAIT, description: 'the new pairing request of revoke-host' },
    );
    expect(await pairedOnGateway(nodeId)).toBeUndefined();
    expect(await listedOnGateway(nodeId)).toMatchObject({ approvalState: 'pending-approval', commands: [] });
    await waitFor(
      () =>
        cards().find(
          (m) => m.ts !== card.ts && json(m).includes('revoke-host') && json(m).includes(again.requestId.slice(0, 8)),
        ),
      { ...WAIT, description: 'a new card for the new request' },
    );
    expect(app.slack.violations).toEqual([]);
  });

  it('approves for 15 s from the card: paired on the gateway until the stored deadline, removed by the bot after it', async () => {
    const { host, request, card } = await pendingHost('lease-host');
    const { nodeId } = request;
    expect(json(card)).toContain('Approve for 15s');
    const clickedAt = Date.now();
    await app.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve_for.15s',
      userId: APPROVER,
    });
    await waitFor(() => pairedOnGateway(nodeId), { ...WAIT, description: 'lease-host paired' });
    const seenPairedAt = Date.now();
    expect((await listedOnGateway(nodeId))?.approvalState).toBe('approved');

    const record = await waitFor(
      async () => {
        const r = await recordOf(app.bot, 'node', request.requestId);
        return r?.status === 'approved' ? r : undefined;
      },
      { ...WAIT, description: 'the approval stored' },
    );
    const untilMs = record.approval?.untilMs ?? 0;
    expect(untilMs - (record.resolvedAtMs ?? 0)).toBe(DURATION_MS);
    expect(untilMs).toBeGreaterThanOrEqual(clickedAt + DURATION_MS);
    expect(untilMs).toBeLessThanOrEqual(seenPairedAt + DURATION_MS);
    // The gateway had the node paired before the deadline (checked, not assumed).
    expect(seenPairedAt).toBeLessThan(untilMs);
    await waitFor(() => json(current(card.ts)).includes('Approved until'), {
      ...WAIT,
      description: 'the card says until when',
    });
    expect(json(current(card.ts))).toContain(`<!date^${Math.floor(untilMs / 1000)}^`);

    // The node host's session is closed by the removal: watch for it closely to time it against the deadline.
    await waitFor(() => host.output().includes(REMOVED_LINE), {
      timeoutMs: DURATION_MS + 60_000,
      intervalMs: 50,
      description: 'lease-host removed when its time was up',
    });
    const removedAt = Date.now();
    console.log(`lease-host: deadline ${new Date(untilMs).toISOString()}, session closed +${removedAt - untilMs} ms`);
    expect(removedAt).toBeGreaterThanOrEqual(untilMs);
    expect(await pairedOnGateway(nodeId)).toBeUndefined();
    expect((await listedOnGateway(nodeId))?.approvalState).not.toBe('approved');

    await waitFor(() => json(current(card.ts)).includes('The time-bound approval ended'), {
      ...WAIT,
      description: 'the card says the time-bound approval ended',
    });
    expect(json(current(card.ts))).not.toContain('pairing.revoke');
    await waitFor(() => replies(card.ts).at(-1)?.includes('time-bound approval of node *lease-host*'), {
      ...WAIT,
      description: 'the thread reply on the end',
    });
    const ended = await recordOf(app.bot, 'node', request.requestId);
    expect([ended?.status, ended?.approval?.ended?.how]).toEqual(['removed', 'expired']);
    const audit = await app.bot.storage.audit.list(100);
    expect(audit.filter((a) => a.action === 'remove.expired').map((a) => [a.actor, a.outcome, a.targetName])).toEqual([
      ['openclaw-slack-ops', 'ok', 'lease-host'],
    ]);
    expect(app.slack.violations).toEqual([]);
  });

  /**
   * OPENCLAW_TWO_PERSON=all with two approvers, on a bot of its own (own fake Slack and state) against the same
   * gateway. The suite's bot keeps its configuration: it posts a card of its own for the host, which nobody clicks.
   */
  describe('with OPENCLAW_TWO_PERSON=all', () => {
    let two: SlackBot;
    let twoStateDir: string;

    beforeAll(async () => {
      twoStateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-two-person-'));
      two = await startSlackBot(
        { url: gw.url, token: gw.token },
        { stateDir: twoStateDir, env: { OPENCLAW_TWO_PERSON: 'all', OPENCLAW_APPROVERS: `${APPROVER},${SECOND}` } },
      );
    }, 180_000);

    afterAll(async () => {
      await two?.stop();
      if (twoStateDir) await fs.rm(twoStateDir, { recursive: true, force: true });
    });

    it('pairs on the gateway only on a second approver’s click, then replies that the approval is in effect with the gateway’s command count', async () => {
      const { request, card } = await pendingHost('two-keys-host', two);
      const { nodeId, requestId } = request;
      const audited = async (action: string, actor: string, outcome: string) =>
        (await two.bot.storage.audit.list(50)).some(
          (a) => a.action === action && a.actor === actor && a.outcome === outcome && a.requestId === requestId,
        );
      /** The gateway's own state: the request still pending, the node not paired. */
      const expectStillPending = async () => {
        const list = await pairList();
        expect(list.pending.map((r) => r.requestId)).toContain(requestId);
        expect(list.paired.map((n) => n.nodeId)).not.toContain(nodeId);
        expect((await listedOnGateway(nodeId))?.approvalState).toBe('pending-approval');
      };

      // First approver: recorded by the bot (card, note, store, audit), nothing sent to the gateway.
      const first = await two.slack.action({
        channel: CHANNEL,
        messageTs: card.ts,
        actionId: 'pairing.approve',
        userId: APPROVER,
      });
      await waitFor(
        () =>
          notes(first)
            .join()
            .match(/1 of 2/),
        { ...WAIT, description: 'the first approver told 1 of 2' },
      );
      await waitFor(() => json(current(card.ts, two)).includes('1 of 2 approvals'), {
        ...WAIT,
        description: 'the card says 1 of 2 approvals',
      });
      await waitFor(() => audited('pairing.approve.first', APPROVER, 'ok'), {
        ...WAIT,
        description: 'the first approval audited',
      });
      const recorded = await recordOf(two.bot, 'node', requestId);
      expect([recorded?.status, recorded?.approval?.first?.userId]).toEqual(['pending', APPROVER]);
      await expectStillPending();

      // The same person again: refused, still nothing on the gateway.
      const again = await two.slack.action({
        channel: CHANNEL,
        messageTs: card.ts,
        actionId: 'pairing.approve',
        userId: APPROVER,
      });
      await waitFor(
        () =>
          notes(again)
            .join()
            .match(/You approved this already/),
        { ...WAIT, description: 'the repeat refused' },
      );
      await waitFor(() => audited('pairing.approve', APPROVER, 'already'), {
        ...WAIT,
        description: 'the repeat audited',
      });
      await expectStillPending();
      expect(json(current(card.ts, two))).toContain('1 of 2 approvals');
      expect(replies(card.ts, two)).toEqual([]);

      // A second, different approver completes it: only now does the gateway pair the node.
      const secondClickAt = Date.now();
      await two.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: SECOND });
      const paired = await waitFor(() => pairedOnGateway(nodeId), { ...WAIT, description: 'two-keys-host paired' });
      expect(paired.approvedAtMs).toBeGreaterThanOrEqual(secondClickAt);
      expect((await pairList()).pending.map((r) => r.requestId)).not.toContain(requestId);
      await waitFor(() => json(current(card.ts, two)).includes(`Approved by <@${APPROVER}> and <@${SECOND}>`), {
        ...WAIT,
        description: 'the card names both approvers',
      });
      expect(json(current(card.ts, two))).not.toContain('pairing.approve');
      expect(await audited('pairing.approve', SECOND, 'ok')).toBe(true);

      // The receipt: posted once the bot sees the node connected with its approved commands, naming how many it has
      // as the gateway reports them.
      const listed = await waitFor(
        async () => {
          const n = await listedOnGateway(nodeId);
          return n?.approvalState === 'approved' && n.connected && ORDINARY.every((c) => n.commands.includes(c))
            ? n
            : undefined;
        },
        { ...WAIT, description: 'two-keys-host connected with its approved commands in nodes list' },
      );
      const receipt = await receiptOf(card.ts, two);
      // `nodes status` (raw node.list) also says when the node's session began: the receipt names that time.
      const status = (await gatewayCli(gw, ['nodes', 'status'])) as {
        nodes: readonly { nodeId: string; connectedAtMs?: number }[];
      };
      const connectedAtMs = status.nodes.find((n) => n.nodeId === nodeId)?.connectedAtMs;
      expect(receipt).toContain('node *two-keys-host*');
      const n = listed.commands.length;
      expect(receipt).toContain(`with ${n} command${n === 1 ? '' : 's'}`);
      expect(receipt).toContain('none of them beyond the harmless list');
      expect(connectedAtMs).toBeTypeOf('number');
      expect(receipt).toContain(`connected since <!date^${Math.floor((connectedAtMs ?? 0) / 1000)}^`);
      const stored = await recordOf(two.bot, 'node', requestId);
      expect(stored?.status).toBe('approved');
      expect(stored?.approval?.receipt).toMatchObject({
        how: 'connected',
        commands: listed.commands.length,
        connectedAtMs,
      });
      const thread = replies(card.ts, two);
      expect(thread[0]).toContain(`<@${SECOND}> approved node *two-keys-host*`);
      expect(thread.join('\n').split('is in effect')).toHaveLength(2);
      expect(thread.length).toBeLessThanOrEqual(2);
      expect(two.slack.violations).toEqual([]);
    });
  });
});
