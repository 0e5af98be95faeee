/**
 * Row 7: replicas on PostgreSQL (issue 13), against the fake gateway and a real PostgreSQL started here.
 * - card latency: a request filed on the gateway → the card received by Slack, one bot on SQLite vs one on
 *   PostgreSQL (in-process, so the difference is the store);
 * - click → decision shown: Approve clicked → the card's chat.update received, on a single instance (SQLite, in
 *   process) vs two replica processes with the click sent to the one without the lease (the decision travels
 *   through the database and NOTIFY to the holder, which updates the card);
 * - take-over: SIGKILL of the holder (default OPENCLAW_LEASE_TTL_MS, 15 s) → the successor's "took over" log
 *   line, and → the card of a request filed right after the kill.
 */

import type { FakeGateway } from '../fakes/fake-gateway/fake-gateway.js';
import type { FakeSlack } from '../fakes/fake-slack/fake-slack.js';
import { type ReplicaSet, startReplicaSet } from '../integration/replicas/support/replica-set.js';
import { APPROVER, CHANNEL } from '../integration/support/bot-harness.js';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';
import { median } from './stats.js';
import { type BenchHarness, benchSlackOptions, startBenchHarness } from './support/bench-bot.js';
import { hiResNowMs, sleep } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';

const ROW = '7 replicas';
const SAMPLES = 10;
const TAKEOVERS = 3;
const TTL_MS = 15_000;
/** The fake Slack takes one post per second per channel: samples are spaced so none waits on that. */
const SPACING_MS = 1_100;

/** Resolves with the fake's receive time of the first accepted call of `method` matching `match`. */
async function callAt(
  slack: FakeSlack,
  method: string,
  match: (args: Record<string, unknown>) => boolean,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = hiResNowMs() + timeoutMs;
  for (;;) {
    const call = slack.calls(method).find((c) => c.httpStatus === 200 && c.response?.ok === true && match(c.args));
    if (call) return call.atMs;
    if (hiResNowMs() > deadline) throw new Error(`no ${method} within ${timeoutMs} ms`);
    await sleep(2);
  }
}

const mentions = (id: string) => (args: Record<string, unknown>) => JSON.stringify(args).includes(id);

/** Files a request and times it to its card. */
async function cardLatency(
  gateway: FakeGateway,
  slack: FakeSlack,
  n: number,
): Promise<{ ms: number; requestId: string; ts: string }> {
  const startedMs = hiResNowMs();
  const requestId = gateway.requestNodePairing({ displayName: `bench-${n}`, commands: ['ollama.models'] });
  const atMs = await callAt(slack, 'chat.postMessage', mentions(requestId));
  const card = slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId));
  return { ms: atMs - startedMs, requestId, ts: card?.ts ?? '' };
}

/** Clicks Approve on a card (optionally at one replica) and times it to the card's update. */
async function clickToUpdate(slack: FakeSlack, ts: string, target?: { url: string }): Promise<number> {
  const before = slack.calls('chat.update').length;
  const startedMs = hiResNowMs();
  await slack.action({ channel: CHANNEL, messageTs: ts, actionId: 'pairing.approve', userId: APPROVER }, target);
  const deadline = startedMs + 30_000;
  for (;;) {
    const update = slack
      .calls('chat.update')
      .slice(before)
      .find((c) => c.args.ts === ts && c.httpStatus === 200);
    if (update) return update.atMs - startedMs;
    if (hiResNowMs() > deadline) throw new Error('no card update within 30 s');
    await sleep(2);
  }
}

async function singleInstance(ctx: BenchContext, label: string, env: Record<string, string>) {
  ctx.progress(`row 7: one bot on ${label}…`);
  const h: BenchHarness = await startBenchHarness({ env: { ...env, OPENCLAW_APPROVERS: APPROVER } });
  try {
    const cards: number[] = [];
    const clicks: number[] = [];
    for (let i = 0; i < SAMPLES + 1; i += 1) {
      await sleep(SPACING_MS);
      const card = await cardLatency(h.gateway, h.slack, i);
      await sleep(SPACING_MS);
      const click = await clickToUpdate(h.slack, card.ts);
      if (i > 0) {
        cards.push(card.ms);
        clicks.push(click);
      }
    }
    return { cards, clicks };
  } finally {
    await h.stop();
  }
}

async function throughNonHolder(ctx: BenchContext, server: PostgresServer) {
  ctx.progress('row 7: two replica processes, clicks through the one without the lease…');
  const set: ReplicaSet = await startReplicaSet(2, {
    databaseUrl: await server.createDatabase('bench_click'),
    slack: { nowMs: benchSlackOptions().nowMs },
    env: { OPENCLAW_LEASE_TTL_MS: String(TTL_MS), LOG_LEVEL: 'info' },
  });
  try {
    const holder = await set.waitForHolder({ timeoutMs: 30_000 });
    const other = set.replicas.find((r) => r !== holder);
    if (!other) throw new Error('two replicas expected');
    const clicks: number[] = [];
    for (let i = 0; i < SAMPLES + 1; i += 1) {
      await sleep(SPACING_MS);
      const card = await cardLatency(set.gateway, set.slack, i);
      await sleep(SPACING_MS);
      const ms = await clickToUpdate(set.slack, card.ts, other.target);
      if (i > 0) clicks.push(ms);
    }
    return clicks;
  } finally {
    await set.stop();
  }
}

async function takeovers(ctx: BenchContext, server: PostgresServer) {
  const set: ReplicaSet = await startReplicaSet(2, {
    databaseUrl: await server.createDatabase('bench_takeover'),
    slack: { nowMs: benchSlackOptions().nowMs },
    env: { OPENCLAW_LEASE_TTL_MS: String(TTL_MS), LOG_LEVEL: 'info' },
  });
  const toLog: number[] = [];
  const toCard: number[] = [];
  try {
    let next = 3;
    for (let i = 0; i < TAKEOVERS; i += 1) {
      const holder = await set.waitForHolder({ timeoutMs: 60_000 });
      ctx.progress(`row 7: take-over ${i + 1}/${TAKEOVERS}: SIGKILL of ${holder.name} (TTL ${TTL_MS} ms)…`);
      const killedAt = Date.now();
      const killedAtHiRes = hiResNowMs();
      await holder.process.end('SIGKILL');
      const requestId = set.gateway.requestNodePairing({ displayName: `after-kill-${i}`, commands: ['ollama.models'] });
      const successor = await set.waitForHolder({ not: holder, timeoutMs: 60_000 });
      const line = await successor.waitForLog(
        (l) => String(l.msg).startsWith("took over the gateway's background work") && Number(l.time) >= killedAt,
        60_000,
      );
      toLog.push(Number(line.time) - killedAt);
      toCard.push((await callAt(set.slack, 'chat.postMessage', mentions(requestId), 60_000)) - killedAtHiRes);
      await set.start(`r${next}`, { OPENCLAW_LEASE_TTL_MS: String(TTL_MS), LOG_LEVEL: 'info' });
      next += 1;
    }
    return { toLog, toCard };
  } finally {
    await set.stop();
  }
}

export async function runReplicas(ctx: BenchContext): Promise<Measurement[]> {
  ctx.progress('row 7: starting PostgreSQL…');
  const server = await startPostgres();
  try {
    const sqlite = await singleInstance(ctx, 'SQLite', {});
    const postgres = await singleInstance(ctx, 'PostgreSQL', {
      DATABASE_URL: await server.createDatabase('bench_single'),
    });
    const viaOther = await throughNonHolder(ctx, server);
    const taken = await takeovers(ctx, server);
    const goal = TTL_MS + 3_000;
    return [
      measure(ROW, 'card: request → card posted, one bot on SQLite', 'ms', sqlite.cards),
      measure(ROW, 'card: request → card posted, one bot on PostgreSQL', 'ms', postgres.cards),
      measure(ROW, 'card: PostgreSQL ÷ SQLite (medians)', '×', [median(postgres.cards) / median(sqlite.cards)]),
      measure(ROW, 'click → card updated, single instance (SQLite)', 'ms', sqlite.clicks),
      measure(
        ROW,
        'click → card updated, 2 replicas, click on the one without the lease',
        'ms',
        viaOther,
        undefined,
        'replica processes run src/ with tsx; the decision reaches the holder by NOTIFY, which updates the card',
      ),
      measure(ROW, 'click: through a non-holder ÷ single instance (medians)', '×', [
        median(viaOther) / median(sqlite.clicks),
      ]),
      measure(
        ROW,
        `take-over: SIGKILL of the holder → successor took over (TTL ${TTL_MS} ms)`,
        'ms',
        taken.toLog,
        (s) => ({ text: `≤ TTL + 3 s (${goal} ms)`, pass: s.max <= goal }),
        "the lease runs out up to one TTL after the holder's last renewal; a replica retries every 2 s",
      ),
      measure(ROW, 'take-over: SIGKILL → card of a request filed right after it', 'ms', taken.toCard, (s) => ({
        text: `≤ TTL + 3 s (${goal} ms)`,
        pass: s.max <= goal,
      })),
    ];
  } finally {
    await server.destroy();
  }
}
