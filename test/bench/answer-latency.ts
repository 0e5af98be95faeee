/**
 * Row 2: `/openclaw nodes | describe | invoke` answered by the bot vs. the same question asked with the
 * official CLI vs. a floor (the RPC on the bot's already-open WebSocket + one chat.postMessage), all
 * against the REAL gateway with an approved node host. Bot: command sent → answer received on the
 * response_url. Floor: request sent → the fake's receive time of the post. CLI: spawn → exit.
 * Bot and floor both ask after the same 2 s pause: the live gateway (and this VM) answer the first RPC after a pause
 * several times more slowly than one right after another, which a back-to-back floor would hide. The bot answers
 * from its fleet model (no node.list per command since issue 15); describe and invoke resolve the node there too.
 */
import { randomUUID } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import {
  approveNodeViaCli,
  gatewayCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startNodeHost,
  waitFor,
} from '../e2e/support/real-gateway.js';
import { firstGateway } from '../integration/support/bot-harness.js';
import { median } from './stats.js';
import { ADMIN, type BenchBot, CHANNEL, SECRETS, startBenchBot } from './support/bench-bot.js';
import { hiResNowMs } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';

/** The pause before each measured question (bot and floor alike). */
const PAUSE_MS = 2_050;
const ROW = '2 answers';
const NODE = 'bench-answer';
const WARMUP = 2;
const BOT_REPS = 10;
const FLOOR_REPS = 15;
const CLI_REPS = 5;

interface Question {
  readonly name: string;
  readonly text: string;
  readonly cli: readonly string[];
  readonly expect: RegExp;
  /** The one RPC the answer is built from, for the floor. */
  rpc(nodeId: string): { method: string; params: Record<string, unknown> };
}

const QUESTIONS: readonly Question[] = [
  {
    name: 'nodes',
    text: 'nodes',
    cli: ['nodes', 'list'],
    expect: new RegExp(NODE),
    rpc: () => ({ method: 'node.list', params: {} }),
  },
  {
    name: 'describe',
    text: `describe ${NODE}`,
    cli: ['nodes', 'describe', '--node', NODE],
    expect: /system\.which/,
    rpc: (nodeId) => ({ method: 'node.describe', params: { nodeId } }),
  },
  {
    name: 'invoke system.which',
    text: `invoke ${NODE} system.which {"bins":["ls"]}`,
    cli: ['nodes', 'invoke', '--node', NODE, '--command', 'system.which', '--params', '{"bins":["ls"]}'],
    expect: /\/ls/,
    rpc: (nodeId) => ({
      method: 'node.invoke',
      params: { nodeId, command: 'system.which', params: { bins: ['ls'] }, idempotencyKey: randomUUID() },
    }),
  },
];

const FLOOR_RESOLVE_NOTE =
  'the bot resolves the node name in its fleet model (no round trip), so it makes the one round trip the floor makes (describe: none, it answers from the model)';

/** `help` needs no gateway: what the Slack side of an answer costs by itself. */
const HELP = { text: 'help', expect: /nodes/ };

interface Timed {
  readonly ms: number;
  readonly ok: boolean;
}

/** Starts a node host, approves its pairing with the CLI and waits until the bot sees it approved and online. */
async function startApprovedNode(gw: RealGateway, bench: BenchBot): Promise<{ host: NodeHost; nodeId: string }> {
  const host = await startNodeHost(gw, { name: NODE, commands: ['system.which'] });
  try {
    const request = await waitFor(
      async () => (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === NODE),
      { timeoutMs: 90_000, intervalMs: 500, description: `pairing request of ${NODE}` },
    );
    await approveNodeViaCli(gw, request.requestId);
    const node = await waitFor(
      async () =>
        (await firstGateway(bench.bot).nodes.list()).nodes.find(
          (n) => n.displayName === NODE && n.approvalState === 'approved' && n.connected === true,
        ),
      { timeoutMs: 60_000, intervalMs: 200, description: `${NODE} approved and connected` },
    );
    return { host, nodeId: node.nodeId };
  } catch (err) {
    await host.stop();
    throw err;
  }
}

async function askBot(bench: BenchBot, q: Pick<Question, 'text' | 'expect'>): Promise<Timed> {
  const startedMs = hiResNowMs();
  const handle = await bench.slack.command(q.text, { user_id: ADMIN, channel_id: CHANNEL });
  const answer = await handle.nextResponse({ timeoutMs: 30_000 });
  return { ms: answer.atMs - startedMs, ok: answer.httpStatus === 200 && q.expect.test(JSON.stringify(answer.body)) };
}

async function askFloor(bench: BenchBot, client: WebClient, q: Question, nodeId: string, n: number): Promise<Timed> {
  // A fresh channel per post: the fake enforces 1 post/s per channel, which the floor must not wait on.
  const channel = `C0FLOOR${String(n).padStart(4, '0')}`;
  bench.slack.addChannel(channel);
  bench.slack.joinChannel(channel);
  const { method, params } = q.rpc(nodeId);
  const startedMs = hiResNowMs();
  const result = await firstGateway(bench.bot).client.request(method, params);
  const posted = await client.chat.postMessage({ channel, text: `${method}: ${JSON.stringify(result).length} bytes` });
  const call = bench.slack.calls('chat.postMessage').find((c) => c.response?.ts === posted.ts);
  return {
    ms: (call?.atMs ?? hiResNowMs()) - startedMs,
    ok: posted.ok === true && q.expect.test(JSON.stringify(result)),
  };
}

async function askCli(gw: RealGateway, q: Question): Promise<Timed> {
  const startedMs = hiResNowMs();
  const output = await gatewayCli(gw, q.cli);
  return { ms: hiResNowMs() - startedMs, ok: q.expect.test(JSON.stringify(output)) };
}

async function repeat(times: number, warmup: number, once: (i: number) => Promise<Timed>): Promise<Timed[]> {
  const timed: Timed[] = [];
  for (let i = 0; i < warmup + times; i += 1) {
    const t = await once(i);
    if (i >= warmup) timed.push(t);
  }
  return timed;
}

const wrong = (timed: readonly Timed[]) => {
  const bad = timed.filter((t) => !t.ok).length;
  return bad > 0 ? `${bad} of ${timed.length} answers lacked the expected content` : undefined;
};

/** Bot, floor and CLI for one question, with the two ratios. */
async function compare(
  gw: RealGateway,
  bench: BenchBot,
  client: WebClient,
  q: Question,
  where: { nodeId: string; floorBase: number },
): Promise<Measurement[]> {
  // Bot and floor ask after the same pause (the slow first RPC after idling is the machine's, not the bot's).
  const idle = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  const bot = await repeat(BOT_REPS, WARMUP, async () => {
    await idle();
    return askBot(bench, q);
  });
  // The gateway answers an RPC after a pause more slowly than one right after another, so the floor the bot is held
  // to waits the same pause; the back-to-back floor is shown for scale.
  const floor = await repeat(BOT_REPS, WARMUP, async (i) => {
    await idle();
    return askFloor(bench, client, q, where.nodeId, where.floorBase + i);
  });
  const burst = await repeat(FLOOR_REPS, WARMUP, (i) =>
    askFloor(bench, client, q, where.nodeId, where.floorBase + 50 + i),
  );
  const cli = await repeat(CLI_REPS, 0, () => askCli(gw, q));
  const [b, f, fb, c] = [bot, floor, burst, cli].map((t) => t.map((x) => x.ms)) as [
    number[],
    number[],
    number[],
    number[],
  ];
  const floorNote = (timed: readonly Timed[]) =>
    [q.name === 'nodes' ? undefined : FLOOR_RESOLVE_NOTE, wrong(timed)].filter(Boolean).join('; ');
  return [
    measure(ROW, `${q.name}: bot, command → answer on response_url`, 'ms', b, undefined, wrong(bot)),
    measure(
      ROW,
      `${q.name}: floor, ${q.rpc('').method} on open socket + chat.postMessage`,
      'ms',
      f,
      undefined,
      [`after the same ${PAUSE_MS} ms pause as the bot`, floorNote(floor)].filter(Boolean).join('; '),
    ),
    measure(ROW, `${q.name}: for scale: the floor back to back (no pause)`, 'ms', fb, undefined, floorNote(burst)),
    measure(ROW, `${q.name}: CLI \`openclaw ${q.cli.slice(0, 2).join(' ')} --json\``, 'ms', c, undefined, wrong(cli)),
    measure(ROW, `${q.name}: CLI ÷ bot (medians)`, '×', [median(c) / median(b)], (s) => ({
      text: '≥ 100×',
      pass: s.median >= 100,
    })),
    measure(ROW, `${q.name}: bot ÷ floor (medians)`, '×', [median(b) / median(f)], (s) => ({
      text: '≤ 1.3× (issue 15)',
      pass: s.median <= 1.3,
    })),
  ];
}

export async function runAnswerLatency(ctx: BenchContext): Promise<Measurement[]> {
  const gw = await ctx.realGateway();
  // The row measures the invoke path, not the confirmation step: the operator declares system.which harmless (it is
  // a PATH lookup), as OPENCLAW_ORDINARY_COMMANDS allows; otherwise deny by default asks an admin to confirm first.
  const bench = await startBenchBot(
    { url: gw.url, token: gw.token },
    { env: { OPENCLAW_ORDINARY_COMMANDS: 'system.which' } },
  );
  const client = new WebClient(SECRETS.botToken, { slackApiUrl: bench.slack.apiUrl, retryConfig: { retries: 0 } });
  let host: NodeHost | undefined;
  const results: Measurement[] = [];
  try {
    ctx.progress(`row 2: starting and approving node host ${NODE}…`);
    const approved = await startApprovedNode(gw, bench);
    host = approved.host;
    const help = await repeat(BOT_REPS, WARMUP, () => askBot(bench, HELP));
    results.push(
      measure(
        ROW,
        'for scale: `help` (no gateway call), command → answer',
        'ms',
        help.map((t) => t.ms),
        undefined,
        ['the Slack path alone: Socket Mode delivery, ack, routing, response_url POST', wrong(help)]
          .filter(Boolean)
          .join('; '),
      ),
    );
    for (const [qi, q] of QUESTIONS.entries()) {
      ctx.progress(
        `row 2: ${q.name}: bot ×${BOT_REPS}, floor ×${BOT_REPS} + ${FLOOR_REPS} back to back, CLI ×${CLI_REPS}…`,
      );
      results.push(...(await compare(gw, bench, client, q, { nodeId: approved.nodeId, floorBase: qi * 100 })));
    }
  } finally {
    await host?.stop();
    await bench.stop();
  }
  return results;
}
