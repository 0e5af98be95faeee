/**
 * Two bot processes on one PostgreSQL against a real gateway and real node hosts: one card per request, a click
 * through the replica without the lease approves on the gateway, and after the holder is killed the other takes
 * the gateway's background work over and posts the next request's card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { type Replicas, startReplicas } from '../integration/replicas/support/replica-set.js';
import { ADMIN, CHANNEL } from '../integration/support/bot-harness.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  listNodesViaCli,
  type NodeHost,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('two replicas on PostgreSQL against a real gateway', () => {
  let gw: RealGateway;
  let set: Replicas;
  const hosts: NodeHost[] = [];

  const cardsFor = (name: string) => set.slack.messages(CHANNEL).filter((m) => json(m).includes(name));
  const approved = (name: string) =>
    waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.some((n) => n.displayName === name && n.approvalState === 'approved'),
      { ...WAIT, description: `${name} approved` },
    );

  beforeAll(async () => {
    gw = await startGateway();
    set = await startReplicas(2, {
      databaseUrl: await createTestDatabase('e2e_replicas'),
      gateway: { url: gw.url, token: gw.token },
      env: { OPENCLAW_LEASE_TTL_MS: '3000' },
    });
  });

  afterAll(async () => {
    await set?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await gw?.stop();
  });

  it('posts one card, approves through the replica without the lease, and hands over when the holder dies', async () => {
    const holder = await set.waitForHolder({ timeoutMs: 30_000 });
    const other = set.replicas.find((r) => r !== holder);
    if (!other) throw new Error('two replicas expected');

    hosts.push(await startNodeHost(gw, { name: 'replica-node', commands: ['system.which'] }));
    const card = await waitFor(() => cardsFor('replica-node')[0], { ...WAIT, description: 'card for replica-node' });
    await set.slack.action(
      { channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN },
      other.target,
    );
    await approved('replica-node');
    await waitFor(() => !json(set.slack.messages(CHANNEL).find((m) => m.ts === card.ts)).includes('pairing.approve'), {
      ...WAIT,
      description: 'the card updated by the holder',
    });
    expect(cardsFor('replica-node')).toHaveLength(1);

    await holder.process.end('SIGKILL');
    const successor = await set.waitForHolder({ not: holder, timeoutMs: 30_000 });
    expect(successor).toBe(other);
    hosts.push(await startNodeHost(gw, { name: 'after-takeover', commands: ['system.which'] }));
    await waitFor(() => cardsFor('after-takeover')[0], { ...WAIT, description: 'card for after-takeover' });
    await set.waitForSlackWork(30_000);
    expect(cardsFor('after-takeover')).toHaveLength(1);
    expect(cardsFor('replica-node')).toHaveLength(1);
    expect(set.slack.failures).toEqual([]);
  });
});
