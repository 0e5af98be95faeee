/**
 * Row 3: how fast the bot acks slash commands and clicks while the (fake) gateway is slow
 * (every response delayed 5 s) or down (stopped). Ack time is the fake Slack's `DeliveryHandle.ackMs`
 * (Socket Mode envelope sent → ack received). Sequential deliveries; gateway work piles up behind them.
 */
import { waitFor } from '../e2e/support/real-gateway.js';
import type { DeliveryHandle } from '../fakes/fake-slack/delivery-handle.js';
import { firstGateway } from '../integration/support/bot-harness.js';
import type { Summary } from './stats.js';
import { addNodesQuietly } from './support/add-nodes.js';
import { APPROVER, type BenchHarness, CHANNEL, STRANGER, startBenchHarness } from './support/bench-bot.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure, type Verdict } from './support/report.js';
import { firstActionableAt } from './support/slack-inspect.js';

const ROW = '3 ack';
/** Deliveries of each kind per scenario: enough that p99 is not simply the max. */
const PER_SCENARIO = 200;
const SLOW_MS = 5_000;

const judge = (s: Summary): Verdict => ({ text: 'p99 ≤ 50 ms, max < 3000 ms', pass: s.p99 <= 50 && s.max < 3000 });

interface Targets {
  readonly cardTs: string;
  readonly nodesTs: string;
}

interface Outcome {
  readonly commandMs: number[];
  readonly clickMs: number[];
  readonly notAcked: number;
  readonly fallbacks: number;
}

/** Files a pairing request and resolves with the ts of the card offering its buttons. */
async function cardFor(h: BenchHarness, name: string): Promise<string> {
  const requestId = h.gateway.requestNodePairing({ displayName: name, commands: ['ollama.models'] });
  await waitFor(() => firstActionableAt(h.slack, [requestId]).has(requestId), {
    timeoutMs: 10_000,
    intervalMs: 10,
    description: `card for ${name}`,
  });
  const card = h.slack.messages(CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId));
  if (!card) throw new Error(`card for ${name} vanished`);
  return card.ts;
}

/** Asks `nodes` and resolves with the ts of the ephemeral answer (which has a Next button). */
async function nodesAnswer(h: BenchHarness): Promise<string> {
  const handle = await h.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
  await handle.nextResponse({ timeoutMs: 10_000 });
  const answer = h.slack.ephemerals({ channel: CHANNEL, user: STRANGER }).at(-1);
  if (!answer || !JSON.stringify(answer.blocks ?? []).includes('nodes.page.next')) {
    throw new Error('the nodes answer has no Next button');
  }
  return answer.ts;
}

/** Alternates pairing Approve clicks and nodes Next clicks; falls back to Next if the card lost its buttons. */
async function click(
  h: BenchHarness,
  i: number,
  targets: Targets,
): Promise<{ handle: DeliveryHandle; fallback: boolean }> {
  // Page forward, and back again from the last page (each click replaces the answer it was made on).
  const next = () => {
    const current = h.slack.ephemerals({ channel: CHANNEL, user: STRANGER }).find((m) => m.ts === targets.nodesTs);
    const actionId = JSON.stringify(current?.blocks ?? []).includes('nodes.page.next')
      ? 'nodes.page.next'
      : 'nodes.page.prev';
    return h.slack.action({ channel: CHANNEL, messageTs: targets.nodesTs, actionId, userId: STRANGER });
  };
  if (i % 2 === 1) return { handle: await next(), fallback: false };
  try {
    const handle = await h.slack.action({
      channel: CHANNEL,
      messageTs: targets.cardTs,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    return { handle, fallback: false };
  } catch {
    return { handle: await next(), fallback: true };
  }
}

async function scenario(h: BenchHarness, targets: Targets): Promise<Outcome> {
  const commandMs: number[] = [];
  const clickMs: number[] = [];
  let notAcked = 0;
  let fallbacks = 0;
  for (let i = 0; i < PER_SCENARIO; i += 1) {
    const command = await h.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
    commandMs.push(command.ackMs);
    const clicked = await click(h, i, targets);
    clickMs.push(clicked.handle.ackMs);
    notAcked += (command.acked ? 0 : 1) + (clicked.handle.acked ? 0 : 1);
    fallbacks += clicked.fallback ? 1 : 0;
  }
  return { commandMs, clickMs, notAcked, fallbacks };
}

function report(label: string, outcome: Outcome, failures: number): Measurement[] {
  const notes = [
    outcome.notAcked > 0 ? `${outcome.notAcked} deliveries not acked in time` : '',
    outcome.fallbacks > 0 ? `${outcome.fallbacks} Approve clicks replaced by Next (card had no button)` : '',
    failures > 0 ? `fake Slack recorded ${failures} delivery failures (slow/missing acks)` : '',
  ].filter(Boolean);
  return [
    measure(ROW, `slash commands while gateway ${label}`, 'ms', outcome.commandMs, judge, notes.join('; ')),
    measure(ROW, `clicks (Approve / Next) while gateway ${label}`, 'ms', outcome.clickMs, judge),
  ];
}

export async function runAckLatency(ctx: BenchContext): Promise<Measurement[]> {
  const h = await startBenchHarness({ prepare: (g) => addNodesQuietly(g, 500, 'ack') });
  try {
    const slowCard = await cardFor(h, 'ack-slow');
    const downCard = await cardFor(h, 'ack-down');
    const nodesTs = await nodesAnswer(h);

    ctx.progress(
      `row 3: gateway slow (${SLOW_MS} ms per response): ${PER_SCENARIO} commands + ${PER_SCENARIO} clicks…`,
    );
    h.gateway.delayResponses(SLOW_MS);
    let failuresBefore = h.slack.failures.length;
    const slow = await scenario(h, { cardTs: slowCard, nodesTs });
    const slowFailures = h.slack.failures.length - failuresBefore;

    ctx.progress(`row 3: gateway down: ${PER_SCENARIO} commands + ${PER_SCENARIO} clicks…`);
    await h.gateway.stop({ graceMs: 100 });
    await waitFor(() => firstGateway(h.bot).client.getStatus().state !== 'connected', {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    failuresBefore = h.slack.failures.length;
    const down = await scenario(h, { cardTs: downCard, nodesTs });
    const downFailures = h.slack.failures.length - failuresBefore;
    return [...report(`slow (+${SLOW_MS / 1000} s)`, slow, slowFailures), ...report('down', down, downFailures)];
  } finally {
    await h.stop();
  }
}
