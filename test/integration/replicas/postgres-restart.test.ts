/**
 * PostgreSQL itself restarted under load, with two bot processes on it: clicks and commands during the outage
 * are answered with a clear message and do nothing; requests filed meanwhile are not lost; everything catches up
 * (cards, a decision) once the server is back. The server here is this file's own (the run's shared one stays up).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../../support/postgres-server.js';
import { APPROVER, CHANNEL } from '../support/bot-harness.js';
import { cardsPerRequest, waitFor } from './support/expect-slack.js';
import { type ReplicaSet, startReplicaSet } from './support/replica-set.js';

let server: PostgresServer;
let set: ReplicaSet | undefined;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.destroy();
});
afterEach(async () => {
  await set?.stop();
  set = undefined;
});

describe('PostgreSQL restarted under load', () => {
  it('answers clicks and commands clearly while it is down, loses no request, and catches up when it is back', async () => {
    set = await startReplicaSet(2, { databaseUrl: await server.createDatabase('restart') });
    const s = set;
    const holder = await s.waitForHolder();
    const other = s.replicas.find((r) => r !== holder);
    if (!other) throw new Error('two replicas expected');
    const file = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        s.gateway.requestNodePairing({ displayName: `${prefix}-${i}`, commands: ['ollama.models'] }),
      );
    const before = file('before', 2);
    await waitFor(() => expect(cardsPerRequest(s.slack, before)).toEqual([1, 1]), 20_000, 'cards before the outage');
    const card = s.slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(before[0] ?? '-'));
    if (!card) throw new Error('no card');
    // The posts are recorded too: a post whose record the outage cut off is posted again without the history scopes
    // (the documented duplicate, tested in faults/lost-answer.test.ts), which is not what this test is about.
    await s.waitForSlackWork(20_000);

    await server.stop();
    const during = file('during', 3);
    for (const replica of [holder, other]) {
      const click = await s.slack.action(
        { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER },
        replica.target,
      );
      expect(click.acked).toBe(true);
      const told = await click.nextResponse({ timeoutMs: 20_000 });
      expect(JSON.stringify(told.body)).toMatch(/database is unreachable.*nothing was done/);
      const pending = await s.slack.sendCommand(
        { text: 'pending', user_id: APPROVER, channel_id: CHANNEL },
        replica.target,
      );
      expect(pending.acked).toBe(true);
      expect(JSON.stringify((await pending.nextResponse({ timeoutMs: 20_000 })).body)).toMatch(
        /database is unreachable/,
      );
    }
    expect(s.gateway.callCount('node.pair.approve')).toBe(0);
    // Still ready (clicks are answered), and saying why nothing is done.
    const ready = await fetch(`http://127.0.0.1:${other.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, replica: other.name, database: { reachable: false } });

    await server.start();
    const after = file('after', 2);
    const all = [...before, ...during, ...after];
    await waitFor(
      () => expect(cardsPerRequest(s.slack, all)).toEqual(all.map(() => 1)),
      40_000,
      'one card per request',
    );
    const click = await s.slack.action(
      { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER },
      other.target,
    );
    expect(click.acked).toBe(true);
    await waitFor(
      () => expect(s.gateway.callCount('node.pair.approve')).toBe(1),
      20_000,
      'the approval after recovery',
    );
    // The clicks of the outage are in the audit log too (kept in memory, written once the store was back).
    await waitFor(
      async () => {
        const rows = await s.query<{ n: string }>(
          "SELECT count(*) AS n FROM audit WHERE detail = 'database unreachable; nothing was sent to the gateway'",
        );
        expect(Number(rows[0]?.n)).toBe(2);
      },
      20_000,
      'the outage clicks audited',
    );
    await s.waitForSlackWork(20_000);
    expect(s.slack.failures).toEqual([]);
    // Two bot processes, a PostgreSQL restart and the waits of each phase: more than the default 30 s on a busy
    // 2-core machine (every wait inside has its own deadline).
  }, 90_000);
});
