/**
 * Row 5: `/openclaw nodes` against a (fake) gateway with 10,000 nodes: command sent → answer received
 * on the response_url, every answer checked with the Block Kit validator, then Next clicked a few
 * times (click → replaced page received), each page validated and checked to be the next one.
 */
import { renderNodesPage } from '../../src/commands/render/render-nodes.js';
import { NodeListSchema } from '../../src/gateway/schemas.js';
import { validateBlocks } from '../fakes/fake-slack/block-kit-validator.js';
import type { ResponseDelivery } from '../fakes/fake-slack/types.js';
import { firstGateway } from '../integration/support/bot-harness.js';
import { addNodesQuietly } from './support/add-nodes.js';
import { type BenchHarness, CHANNEL, STRANGER, startBenchHarness } from './support/bench-bot.js';
import { hiResNowMs } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';

/** The pause before each measured answer (this VM runs the first work after idling several times slower). */
const PAUSE_MS = 2_050;
const ROW = '5 nodes@10k';
const NODES = 10_000;
const WARMUP = 2;
const REPS = 10;
const NEXT_CLICKS = 5;
const BREAKDOWN_REPS = 10;

/** Accepted by Slack, valid blocks, and the summary names the expected page of the whole fleet. */
function isValidPage(answer: ResponseDelivery, page: number): boolean {
  const blocks = answer.body.blocks;
  const summary = JSON.stringify(blocks ?? []);
  return (
    answer.httpStatus === 200 &&
    validateBlocks(blocks, 'message').length === 0 &&
    summary.includes(`${NODES} node(s)`) &&
    summary.includes(`page ${page} of ${NODES / 10}`)
  );
}

async function askNodes(h: BenchHarness): Promise<{ ms: number; valid: boolean }> {
  const startedMs = hiResNowMs();
  const handle = await h.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
  const answer = await handle.nextResponse({ timeoutMs: 30_000 });
  return { ms: answer.atMs - startedMs, valid: isValidPage(answer, 1) };
}

async function clickNext(h: BenchHarness, ts: string, page: number): Promise<{ ms: number; valid: boolean }> {
  const startedMs = hiResNowMs();
  const handle = await h.slack.action({
    channel: CHANNEL,
    messageTs: ts,
    actionId: 'nodes.page.next',
    userId: STRANGER,
  });
  const answer = await handle.nextResponse({ timeoutMs: 30_000 });
  const shown = h.slack.ephemerals({ channel: CHANNEL, user: STRANGER }).find((e) => e.ts === ts);
  const replaced = shown !== undefined && validateBlocks(shown.blocks, 'message').length === 0;
  return { ms: answer.atMs - startedMs, valid: replaced && isValidPage(answer, page) };
}

/** Times `fn` BREAKDOWN_REPS times (after one warm-up). */
async function timeEach(fn: () => unknown, pauseMs = 0): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i <= BREAKDOWN_REPS; i += 1) {
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const startedMs = hiResNowMs();
    await fn();
    if (i > 0) samples.push(hiResNowMs() - startedMs);
  }
  return samples;
}

/** Where an answer's time goes: the RPC (fake gateway serving in this process), zod validation, rendering. */
async function breakdown(h: BenchHarness): Promise<Measurement[]> {
  const raw = await firstGateway(h.bot).client.request('node.list', {});
  const { nodes } = NodeListSchema.parse(raw);
  const rpc = await timeEach(() => firstGateway(h.bot).client.request('node.list', {}));
  const zod = await timeEach(() => NodeListSchema.parse(raw));
  const text = JSON.stringify({ type: 'res', id: 'x', ok: true, payload: raw });
  const parse = await timeEach(() => JSON.parse(text));
  // The same CPU work after the pause each cold answer waits: shows what this machine adds after being idle.
  const parsePaused = await timeEach(() => JSON.parse(text), PAUSE_MS);
  const render = await timeEach(() => renderNodesPage(nodes, { filter: '', page: 0, nowMs: Date.now() }));
  const bytes = (JSON.stringify(raw).length / 1e6).toFixed(1);
  return [
    measure(
      ROW,
      'part: raw node.list RPC on the open socket',
      'ms',
      rpc,
      undefined,
      `${bytes} MB payload; includes the fake gateway building it in this same process, loopback, and the bot's JSON.parse + frame check`,
    ),
    measure(ROW, 'part: JSON.parse of that frame (bot side of the RPC)', 'ms', parse),
    measure(
      ROW,
      `for scale: the same JSON.parse after a ${PAUSE_MS} ms pause`,
      'ms',
      parsePaused,
      undefined,
      'the cold answers above each come after this pause; on this VM the first CPU work after an idle spell runs several times slower',
    ),
    measure(ROW, 'part: NodeListSchema.parse (zod, src/gateway/schemas.ts)', 'ms', zod),
    measure(ROW, 'part: renderNodesPage (sort + page)', 'ms', render),
  ];
}

export async function runNodes10k(ctx: BenchContext): Promise<Measurement[]> {
  const fillStartedMs = hiResNowMs();
  const h = await startBenchHarness({ prepare: (g) => addNodesQuietly(g, NODES, 'fleet') });
  ctx.progress(`row 5: ${NODES} nodes added and bot connected in ${Math.round(hiResNowMs() - fillStartedMs)} ms`);
  try {
    // After a pause: the bot answers from its fleet model (kept by events, re-read on connect and on a timer).
    // Right after: a second command or a paging click straight after the first.
    const answers: { ms: number; valid: boolean }[] = [];
    const warm: { ms: number; valid: boolean }[] = [];
    for (let i = 0; i < WARMUP + REPS; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      const answer = await askNodes(h);
      if (i >= WARMUP) answers.push(answer);
      if (i >= WARMUP) warm.push(await askNodes(h));
    }
    const ts = h.slack.ephemerals({ channel: CHANNEL, user: STRANGER }).at(-1)?.ts ?? '';
    const nexts: { ms: number; valid: boolean }[] = [];
    for (let k = 0; k < NEXT_CLICKS; k += 1) nexts.push(await clickNext(h, ts, k + 2));
    const parts = await breakdown(h);
    const valid = [...answers, ...warm, ...nexts].filter((a) => a.valid).length;
    const total = answers.length + warm.length + nexts.length;
    return [
      measure(
        ROW,
        `/openclaw nodes at ${NODES} nodes: command → answer`,
        'ms',
        answers.map((a) => a.ms),
        (s) => ({ text: 'p99 ≤ 30 ms', pass: s.p99 <= 30 }),
        `each after a ${PAUSE_MS} ms pause; after ${WARMUP} warm-up answers; answered from the fleet model (no node.list per command)`,
      ),
      measure(
        ROW,
        `/openclaw nodes at ${NODES} nodes, again right after`,
        'ms',
        warm.map((a) => a.ms),
      ),
      measure(
        ROW,
        'Next click → page replaced',
        'ms',
        nexts.map((a) => a.ms),
      ),
      measure(ROW, 'valid pages (validateBlocks, right page)', 'count', [valid], () => ({
        text: `all ${total}`,
        pass: valid === total,
      })),
      ...parts,
    ];
  } finally {
    await h.stop();
  }
}
