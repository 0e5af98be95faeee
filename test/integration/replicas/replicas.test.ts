import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../fakes/fake-slack/fake-slack.js';
import { createTestDatabase } from '../../support/test-database.js';
import { ADMIN, APPROVER, CHANNEL, SCOPES_WITH_HISTORY } from '../support/bot-harness.js';
import { cardsPerRequest, waitFor } from './support/expect-slack.js';
import { type ReplicaSet, startReplicaSet } from './support/replica-set.js';

let set: ReplicaSet | undefined;
afterEach(async () => {
  await set?.stop();
  set = undefined;
});

/** The card showing `requestId`, once posted. */
function cardOf(slack: FakeSlack, requestId: string) {
  return slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId));
}

async function postedCard(s: ReplicaSet, requestId: string) {
  return waitFor(
    () => {
      const card = cardOf(s.slack, requestId);
      if (!card) throw new Error('not posted yet');
      return card;
    },
    20_000,
    `the card of ${requestId}`,
  );
}

describe('replicas on PostgreSQL (bot processes)', () => {
  it('gives every request exactly one card, posted by the one replica holding the lease', async () => {
    set = await startReplicaSet(3, { databaseUrl: await createTestDatabase('replicas') });
    const holder = await set.waitForHolder();
    const ids = Array.from(
      { length: 8 },
      (_, i) => set?.gateway.requestNodePairing({ displayName: `n${i}`, commands: ['ollama.models'] }) ?? '',
    );
    const slack = set.slack;
    await waitFor(() => expect(cardsPerRequest(slack, ids)).toEqual(ids.map(() => 1)), 20_000, 'one card per request');
    // One device for the deployment: every replica's session signs with the identity kept in the database.
    const devices = new Set(
      set.gateway.received
        .filter((r) => r.method === 'connect')
        .map((r) => (r.params as { device?: { id?: string } }).device?.id),
    );
    expect(devices.size).toBe(1);
    for (const replica of set.replicas) expect(replica.process.output()).not.toMatch(/PRIVATE KEY|privateKeyPem/);
    const metrics = await (await fetch(`http://127.0.0.1:${holder.port}/metrics`)).text();
    expect(metrics).toMatch(/openclaw_lease_held\{gateway="default"\} 1/);
    expect(metrics).toMatch(/openclaw_lease_takeovers_total\{gateway="default"\} 1/);
    const ready = (await (await fetch(`http://127.0.0.1:${holder.port}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({
      replica: holder.name,
      duties: { default: { duties: true } },
      database: { reachable: true },
    });
    const tookOver = set.replicas.filter((r) =>
      r.logs().some((l) => String(l.msg).startsWith("took over the gateway's background work")),
    );
    expect(tookOver.map((r) => r.name)).toEqual([holder.name]);
    expect(set.slack.failures).toEqual([]);
  });

  it('decides a click that lands on a replica without the lease, and the holder updates the card', async () => {
    set = await startReplicaSet(2, { databaseUrl: await createTestDatabase('replicas') });
    const s = set;
    const holder = await s.waitForHolder();
    const other = s.replicas.find((r) => r !== holder);
    if (!other) throw new Error('no second replica');
    const requestId = s.gateway.requestNodePairing({ displayName: 'via-other', commands: ['ollama.models'] });
    const card = await postedCard(s, requestId);
    const click = await s.slack.action(
      { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER },
      other.target,
    );
    expect(click.acked).toBe(true);
    await waitFor(() => expect(s.gateway.pendingNodeRequests()).toHaveLength(0), 10_000, 'approved at the gateway');
    expect(s.gateway.callCount('node.pair.approve')).toBe(1);
    // The non-holder only wrote to the database; the holder hears of it and re-renders the card.
    await waitFor(
      () => {
        const updated = JSON.stringify(s.slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.blocks ?? []);
        expect(updated).not.toContain('pairing.approve');
        expect(updated).toContain(`<@${APPROVER}>`);
      },
      10_000,
      'the card updated',
    );
    await waitFor(() => expect(s.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1), 10_000, 'one thread reply');
    expect(s.slack.failures).toEqual([]);
  });

  it('gives an exec approval one card from the holder; simultaneous clicks on two replicas make one resolve', async () => {
    set = await startReplicaSet(2, {
      databaseUrl: await createTestDatabase('replicas'),
      env: { OPENCLAW_EXEC_APPROVALS: 'true', OPENCLAW_EXEC_APPROVERS: `${ADMIN},U0SECOND01` },
    });
    const s = set;
    const [r1, r2] = s.replicas;
    if (!r1 || !r2) throw new Error('two replicas expected');
    await s.waitForHolder();
    // Every replica is an approval route (its own session with the cap); only the holder posts.
    await waitFor(
      () => expect(s.gateway.sessions().filter((x) => x.displayName?.includes('exec approvals'))).toHaveLength(2),
      10_000,
      'two approvals sessions',
    );
    const ids = [0, 1, 2].map((i) => s.gateway.requestExecApproval({ argv: ['echo', `replica-${i}`] }).id);
    await waitFor(() => expect(cardsPerRequest(s.slack, ids)).toEqual([1, 1, 1]), 20_000, 'one card per exec request');
    const card = await postedCard(s, ids[0] ?? '');
    await Promise.all([
      s.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.allow-once', userId: ADMIN }, r1.target),
      s.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.deny', userId: 'U0SECOND01' }, r2.target),
    ]);
    await waitFor(
      () => expect(s.gateway.execApproval(ids[0] ?? '')?.status).not.toBe('pending'),
      10_000,
      'decided at the gateway',
    );
    expect(s.gateway.callCount('exec.approval.resolve')).toBe(1);
    await waitFor(
      () =>
        expect(JSON.stringify(s.slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.blocks)).toMatch(
          /(Allowed once|Denied) by/,
        ),
      10_000,
      'the card updated',
    );
    // Still one message per request (a decided card no longer carries the id in buttons; its metadata does).
    const withMeta = s.slack.messages(CHANNEL).map((m) => JSON.stringify(m.metadata ?? {}));
    expect(ids.map((id) => withMeta.filter((m) => m.includes(id)).length)).toEqual([1, 1, 1]);
    expect(s.slack.failures).toEqual([]);
  });

  it('makes one gateway call for simultaneous clicks on two replicas, and tells the other clicker who decided', async () => {
    set = await startReplicaSet(2, {
      databaseUrl: await createTestDatabase('replicas'),
      env: { OPENCLAW_APPROVERS: `${APPROVER},U0SECOND01` },
    });
    const s = set;
    const [r1, r2] = s.replicas;
    if (!r1 || !r2) throw new Error('two replicas expected');
    for (let round = 0; round < 3; round += 1) {
      const requestId = s.gateway.requestNodePairing({ displayName: `race-${round}`, commands: ['ollama.models'] });
      const card = await postedCard(s, requestId);
      const approvesBefore = s.gateway.callCount('node.pair.approve');
      const before = approvesBefore + s.gateway.callCount('node.pair.reject');
      const [a, b] = await Promise.all([
        s.slack.action(
          { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER },
          r1.target,
        ),
        s.slack.action(
          { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.reject', userId: 'U0SECOND01' },
          r2.target,
        ),
      ]);
      await waitFor(
        () =>
          expect(s.gateway.callCount('node.pair.approve') + s.gateway.callCount('node.pair.reject')).toBe(before + 1),
        10_000,
        'one decision at the gateway',
      );
      // The winner's card shows the outcome; the other clicker is told, privately, who decided.
      const approved = s.gateway.callCount('node.pair.approve') > approvesBefore;
      const [winner, loser] = approved ? [APPROVER, b] : ['U0SECOND01', a];
      const told = await loser.nextResponse({ timeoutMs: 10_000 });
      expect(JSON.stringify(told.body)).toContain(`<@${winner}>`);
      const total = s.gateway.callCount('node.pair.approve') + s.gateway.callCount('node.pair.reject');
      expect(total - before).toBe(1);
    }
    expect(s.slack.failures).toEqual([]);
  });

  it('loses nothing and posts nothing twice when the holder is killed during a burst, and another takes over in time', async () => {
    set = await startReplicaSet(3, { databaseUrl: await createTestDatabase('replicas'), scopes: SCOPES_WITH_HISTORY });
    const s = set;
    const holder = await s.waitForHolder();
    const file = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        s.gateway.requestNodePairing({ displayName: `${prefix}-${i}`, commands: ['ollama.models'] }),
      );
    const first = file('before', 12);
    await waitFor(() => expect(cardsPerRequest(s.slack, first).some((n) => n > 0)).toBe(true), 20_000, 'a first card');
    const killedAt = Date.now();
    await holder.process.end('SIGKILL');
    const during = file('during', 12);
    const successor = await s.waitForHolder({ not: holder, timeoutMs: 15_000 });
    const takeoverMs = Date.now() - killedAt;
    const after = file('after', 6);
    const all = [...first, ...during, ...after];
    await waitFor(
      () => expect(cardsPerRequest(s.slack, all)).toEqual(all.map(() => 1)),
      30_000,
      'one card per request',
    );
    // The lease ran out (TTL 2 s) and a replica retrying every ~270 ms took it: within TTL + 3 s.
    expect(takeoverMs).toBeLessThan(2_000 + 3_000);
    expect(successor.logs().some((l) => String(l.msg).startsWith("took over the gateway's background work"))).toBe(
      true,
    );
    expect(s.slack.failures).toEqual([]);
  });

  it('lets a holder that was paused past its lease post nothing when it wakes up', async () => {
    set = await startReplicaSet(2, { databaseUrl: await createTestDatabase('replicas'), scopes: SCOPES_WITH_HISTORY });
    const s = set;
    const holder = await s.waitForHolder();
    // The holder's next post reaches Slack but its answer is held: the holder is stopped in the middle of a pass,
    // with more cards of the same batch still to post.
    const held = s.slack.holdNext('chat.postMessage');
    const ids = [0, 1, 2].map((i) =>
      s.gateway.requestNodePairing({ displayName: `paused-${i}`, commands: ['ollama.models'] }),
    );
    await held.arrived;
    holder.process.signal('SIGSTOP');
    const successor = await s.waitForHolder({ not: holder, timeoutMs: 15_000 });
    // The successor adopts the card that reached Slack (it checks history first) and posts the others.
    await waitFor(() => expect(cardsPerRequest(s.slack, ids)).toEqual([1, 1, 1]), 20_000, 'one card per request');
    expect(successor.logs().some((l) => String(l.msg).startsWith("took over the gateway's background work"))).toBe(
      true,
    );
    await s.waitForSlackWork();
    const writes = () =>
      s.slack.calls().filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update').length;
    const before = writes();
    holder.process.signal('SIGCONT');
    held.release();
    await holder.waitForLog((l) => String(l.msg).startsWith("stopped the gateway's background work"), 10_000);
    await holder.waitForLog((l) => l.msg === 'delivery pass ended: the gateway passed to another replica', 10_000);
    expect(writes()).toBe(before);
    expect(cardsPerRequest(s.slack, ids)).toEqual([1, 1, 1]);
    expect(s.slack.failures).toEqual([]);
  });

  it('serves Socket Mode from every replica: each opens its own connection, and each command is answered once', async () => {
    set = await startReplicaSet(2, { databaseUrl: await createTestDatabase('replicas'), mode: 'socket' });
    const s = set;
    for (let i = 0; i < 16; i += 1) {
      const handle = await s.slack.command(i % 2 === 0 ? 'help' : 'pending', {
        user_id: APPROVER,
        channel_id: CHANNEL,
      });
      expect(handle.acked).toBe(true);
      await handle.nextResponse({ timeoutMs: 10_000 });
      expect(handle.responses()).toHaveLength(1);
    }
    // Slack gives each envelope to one of the open connections; both replicas answered some.
    const served = s.replicas.map((r) => r.logs().filter((l) => l.msg === 'slash command').length);
    expect(served.reduce((a, b) => a + b, 0)).toBe(16);
    expect(served.every((n) => n > 0)).toBe(true);
    expect(s.slack.failures).toEqual([]);
  });
});
