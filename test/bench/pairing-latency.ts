/**
 * Row 1: a node host's pairing request on the REAL gateway → the card in Slack, next to a CLI poller.
 * Bot: request `ts` (gateway clock) → the fake Slack's receive time of the first accepted
 * chat.postMessage whose buttons carry the request id. CLI: `openclaw nodes pending --json` run
 * back-to-back during the same period; request `ts` → the end of the first poll that lists it.
 * Same machine, so both clocks are the same wall clock.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import {
  type CliNodePairRequest,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startNodeHost,
  waitFor,
} from '../e2e/support/real-gateway.js';
import { median } from './stats.js';
import { type BenchBot, startBenchBot } from './support/bench-bot.js';
import { sleep } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';
import { firstActionableAt } from './support/slack-inspect.js';

const ROW = '1 pairing→card';
const NODE_HOSTS = 3;
const ROUNDS = 3;
const MAX_POLLS = 500;
const WAIT = { timeoutMs: 120_000, intervalMs: 25 };

interface Sighting {
  readonly request: CliNodePairRequest;
  readonly seenAtMs: number;
}

/** Polls `nodes pending --json` back-to-back until stopped (or MAX_POLLS), recording when each request first shows. */
function startCliPoller(gw: RealGateway) {
  const seen = new Map<string, Sighting>();
  const pollMs: number[] = [];
  let errors = 0;
  let stopped = false;
  const loop = (async () => {
    for (let polls = 0; !stopped && polls < MAX_POLLS; polls += 1) {
      const startedMs = Date.now();
      try {
        const pending = await pendingNodeRequestsViaCli(gw);
        const doneMs = Date.now();
        pollMs.push(doneMs - startedMs);
        for (const request of pending) {
          if (!seen.has(request.requestId)) seen.set(request.requestId, { request, seenAtMs: doneMs });
        }
      } catch {
        errors += 1;
        await sleep(100);
      }
    }
  })();
  return {
    seen,
    pollMs,
    errors: () => errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

type CliPoller = ReturnType<typeof startCliPoller>;

/** Starts one node host and waits until both the bot's card and the CLI poller show its request. */
async function pairOne(
  ctx: BenchContext,
  gw: RealGateway,
  bench: BenchBot,
  poller: CliPoller,
  hosts: NodeHost[],
  label: string,
  heardAt: ReadonlyMap<string, number>,
): Promise<{ botMs: number; hopMs: number; cliMs: number }> {
  const name = `bench-pair-${randomBytes(3).toString('hex')}`;
  ctx.progress(`row 1: node host ${label} of ${ROUNDS}.${NODE_HOSTS} (${name})…`);
  hosts.push(await startNodeHost(gw, { name, commands: ['system.which'] }));
  const sighting = await waitFor(() => [...poller.seen.values()].find((s) => s.request.displayName === name), {
    ...WAIT,
    description: `CLI poller sees ${name}`,
  });
  const { requestId, ts } = sighting.request;
  const cardAtMs = await waitFor(() => firstActionableAt(bench.slack, [requestId]).get(requestId), {
    ...WAIT,
    description: `card for ${name}`,
  });
  const hopMs = (heardAt.get(requestId) ?? Number.NaN) - ts;
  ctx.progress(
    `row 1: ${name}: card ${cardAtMs - ts} ms (event at the bot ${hopMs} ms), CLI poller ${sighting.seenAtMs - ts} ms after ts`,
  );
  return { botMs: cardAtMs - ts, hopMs, cliMs: sighting.seenAtMs - ts };
}

export async function runPairingLatency(ctx: BenchContext): Promise<Measurement[]> {
  const gw = await ctx.realGateway();
  const bench = await startBenchBot({ url: gw.url, token: gw.token }, { slack: { nowMs: Date.now } });
  const poller = startCliPoller(gw);
  // When the bot's gateway socket delivered each request's event: the part of the latency that is the gateway's.
  const heardAt = new Map<string, number>();
  bench.bot.gateways.get('default')?.client.on('node.pair.requested', (payload) => {
    const requestId = (payload as { requestId?: unknown }).requestId;
    if (typeof requestId === 'string' && !heardAt.has(requestId)) heardAt.set(requestId, Date.now());
  });
  const botMs: number[] = [];
  const hopMs: number[] = [];
  const cliMs: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const hosts: NodeHost[] = [];
      try {
        for (let i = 0; i < NODE_HOSTS; i += 1) {
          const sample = await pairOne(ctx, gw, bench, poller, hosts, `${round + 1}.${i + 1}`, heardAt);
          botMs.push(sample.botMs);
          hopMs.push(sample.hopMs);
          cliMs.push(sample.cliMs);
        }
      } finally {
        await Promise.all(hosts.map((h) => h.stop()));
      }
    }
  } finally {
    await poller.stop();
    await bench.stop();
  }
  const pollNote = `${poller.pollMs.length} polls, median poll ${Math.round(median(poller.pollMs))} ms, ${poller.errors()} failed; the poller's CLI processes run concurrently with the gateway, node hosts and bot on ${os.cpus().length} cores`;
  return [
    measure(ROW, `bot: request ts → card posted (real gw, ${ROUNDS}×${NODE_HOSTS} node hosts)`, 'ms', botMs, (s) => ({
      text: 'p50 ≤ 15 ms (issue 15), p99 ≤ 200 ms',
      pass: s.median <= 15 && s.p99 <= 200,
    })),
    measure(ROW, 'of which the gateway: request ts → its event at the bot', 'ms', hopMs),
    measure(
      ROW,
      "of which the bot: event → card posted (each sample's difference)",
      'ms',
      botMs.map((ms, i) => ms - (hopMs[i] ?? Number.NaN)),
    ),
    measure(ROW, 'CLI poller (`nodes pending` back-to-back): ts → first listing', 'ms', cliMs, undefined, pollNote),
    measure(ROW, 'CLI poller median ÷ bot median', '×', [median(cliMs) / median(botMs)]),
  ];
}
