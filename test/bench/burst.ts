/**
 * Row 4: 500 node pairing requests filed on the fake gateway over 1 s, the fake Slack limiting
 * chat.postMessage to 1/s per channel (burst 3) with Retry-After. Measures, per run: time from the
 * first request to the fake's receipt of the call that made the last request actionable (its id in a
 * button/option value of an accepted post or update), chat.postMessage messages used, 429s, and
 * requests never actionable in the channel at the end.
 */
import { WaitForTimeoutError, waitFor } from '../e2e/support/real-gateway.js';
import { type BenchHarness, CHANNEL, startBenchHarness } from './support/bench-bot.js';
import { hiResNowMs, sleep } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';
import { firstActionableAt, isAccepted, missingFromChannel } from './support/slack-inspect.js';

const ROW = '4 burst';
const RUNS = 3;
const REQUESTS = 500;
const SPREAD_MS = 1_000;
const SETTLE_TIMEOUT_MS = 120_000;

interface BurstRun {
  readonly actionableS: number;
  readonly filedMs: number;
  readonly messages: number;
  readonly attempts: number;
  readonly rateLimited: number;
  readonly lost: number;
}

/** Files REQUESTS requests at an even pace over SPREAD_MS; returns their ids and the start time. */
async function fileBurst(h: BenchHarness, run: number): Promise<{ ids: string[]; startedMs: number }> {
  const ids: string[] = [];
  const startedMs = hiResNowMs();
  while (ids.length < REQUESTS) {
    const elapsedMs = hiResNowMs() - startedMs;
    if (elapsedMs > SPREAD_MS * 10) throw new Error(`filing the burst took over ${SPREAD_MS * 10} ms`);
    const due = Math.min(REQUESTS, Math.floor((elapsedMs / SPREAD_MS) * REQUESTS) + 1);
    while (ids.length < due) {
      const i = ids.length;
      ids.push(h.gateway.requestNodePairing({ displayName: `burst-${run}-${i}`, commands: ['ollama.models'] }));
    }
    if (ids.length < REQUESTS) await sleep(1);
  }
  return { ids, startedMs };
}

async function burstOnce(ctx: BenchContext, run: number): Promise<BurstRun> {
  const h = await startBenchHarness();
  try {
    const { ids, startedMs } = await fileBurst(h, run);
    const filedMs = hiResNowMs() - startedMs;
    try {
      await waitFor(
        async () => missingFromChannel(h.slack, CHANNEL, ids).length === 0 && (await h.bot.delivery.isIdle()),
        {
          timeoutMs: SETTLE_TIMEOUT_MS,
          intervalMs: 50,
          description: 'every request actionable',
        },
      );
    } catch (err) {
      if (!(err instanceof WaitForTimeoutError)) throw err;
    }
    const firstAt = firstActionableAt(h.slack, ids);
    const lastMs = Math.max(...firstAt.values());
    const posts = h.slack.calls('chat.postMessage');
    const result: BurstRun = {
      actionableS: firstAt.size === ids.length ? (lastMs - startedMs) / 1000 : Number.POSITIVE_INFINITY,
      filedMs,
      messages: posts.filter(isAccepted).length,
      attempts: posts.length,
      rateLimited: h.slack.count429('chat.postMessage'),
      lost: missingFromChannel(h.slack, CHANNEL, ids).length,
    };
    ctx.progress(`row 4: run ${run + 1}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await h.stop();
  }
}

export async function runBurst(ctx: BenchContext): Promise<Measurement[]> {
  const runs: BurstRun[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    ctx.progress(`row 4: burst run ${run + 1}/${RUNS} (${REQUESTS} requests over ${SPREAD_MS} ms)…`);
    runs.push(await burstOnce(ctx, run));
  }
  const filed = `requests filed in ${runs.map((r) => Math.round(r.filedMs)).join(' / ')} ms`;
  return [
    measure(
      ROW,
      `${REQUESTS} requests in 1 s: first request → all actionable`,
      's',
      runs.map((r) => r.actionableS),
      (s) => ({ text: '≤ 10 s', pass: s.max <= 10 }),
      filed,
    ),
    measure(
      ROW,
      'messages used (accepted chat.postMessage)',
      'count',
      runs.map((r) => r.messages),
      (s) => ({ text: '≤ 20', pass: s.max <= 20 }),
      `attempts incl. 429s: ${runs.map((r) => r.attempts).join(' / ')}`,
    ),
    measure(
      ROW,
      '429s answered by Slack',
      'count',
      runs.map((r) => r.rateLimited),
    ),
    measure(
      ROW,
      'requests lost (not actionable at the end)',
      'count',
      runs.map((r) => r.lost),
      (s) => ({ text: '0', pass: s.max === 0 }),
    ),
  ];
}
