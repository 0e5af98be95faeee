/**
 * Row 6: RSS of the bot process, idle and after listing 10,000 nodes. The bot runs alone in a child
 * (`memory-child.ts` transpiled to JS and run with `node --expose-gc`, no loader, as production runs
 * `dist/`); the fake gateway and fake Slack run here, in the bench process, so their memory is not
 * counted. RSS is read after forced GCs. A second child that starts nothing shows Node's own share.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onExitSync } from '../e2e/support/exit-cleanup.js';
import { FakeGateway } from '../fakes/fake-gateway/index.js';
import { FakeSlack } from '../fakes/fake-slack/fake-slack.js';
import { addNodesQuietly } from './support/add-nodes.js';
import { ADMIN, APPROVER, benchSlackOptions, CHANNEL, SECRETS, STRANGER } from './support/bench-bot.js';
import { sleep } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';
import { removeBuild, transpileForNode } from './support/transpile.js';

const ROW = '6 memory';
const NODES = 10_000;
const SAMPLES = 3;
const IDLE_SETTLE_MS = 3_000;

interface MemoryReport {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly maxRssMb: number;
}

/** A forked child in its own process group, killed with the group when the bench exits. */
interface Child {
  readonly process: ChildProcess;
  request<T>(message: { type: string }, answer: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`memory child: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`memory child exited (${code}) before ${type}`));
    const done = (err?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function forkChild(script: string, args: readonly string[]): Promise<Child> {
  const child = fork(script, args, {
    execArgv: ['--expose-gc'],
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  onExitSync('processes', () => killGroup(child));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await nextMessage(child, 'ready', 60_000);
  } catch (err) {
    killGroup(child);
    throw err;
  }
  return {
    process: child,
    request: (message, answer, timeoutMs = 30_000) => {
      const reply = nextMessage<never>(child, answer, timeoutMs);
      child.send(message);
      return reply;
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      await Promise.race([exited, sleep(10_000)]);
      killGroup(child);
    },
  };
}

async function sampleMemory(child: Child): Promise<MemoryReport[]> {
  const reports: MemoryReport[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    reports.push(await child.request<MemoryReport>({ type: 'measure' }, 'memory'));
    await sleep(300);
  }
  return reports;
}

/** `nodes` three times and Next three times, each answer awaited. */
async function listTheFleet(slack: FakeSlack): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    const handle = await slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
    await handle.nextResponse({ timeoutMs: 30_000 });
  }
  const ts = slack.ephemerals({ channel: CHANNEL, user: STRANGER }).at(-1)?.ts ?? '';
  for (let i = 0; i < 3; i += 1) {
    const handle = await slack.action({
      channel: CHANNEL,
      messageTs: ts,
      actionId: 'nodes.page.next',
      userId: STRANGER,
    });
    await handle.nextResponse({ timeoutMs: 30_000 });
  }
}

async function measureBaseline(script: string): Promise<MemoryReport[]> {
  const child = await forkChild(script, ['baseline']);
  try {
    return await sampleMemory(child);
  } finally {
    await child.stop();
  }
}

export async function runMemory(ctx: BenchContext): Promise<Measurement[]> {
  const gateway = new FakeGateway({ token: SECRETS.gatewayToken });
  await gateway.start();
  const slack = new FakeSlack(benchSlackOptions());
  await slack.start();
  slack.addChannel(CHANNEL);
  slack.joinChannel(CHANNEL);
  slack.allowInjection({ userIds: [APPROVER, ADMIN, STRANGER] });
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-bench-mem-'));
  let child: Child | undefined;
  try {
    ctx.progress('row 6: transpiling src/ to JS for the child…');
    const [script = ''] = await transpileForNode(['test/bench/memory-child.ts']);
    child = await forkChild(script, [
      'bot',
      JSON.stringify({
        SLACK_BOT_TOKEN: SECRETS.botToken,
        SLACK_APP_TOKEN: SECRETS.appToken,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        OPENCLAW_GATEWAY_URL: gateway.url,
        OPENCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
        OPENCLAW_PAIRING_CHANNEL: CHANNEL,
        OPENCLAW_APPROVERS: APPROVER,
        OPENCLAW_ADMINS: ADMIN,
        STATE_DIR: stateDir,
      }),
    ]);
    await slack.waitForSocketConnections(1, { timeoutMs: 10_000 });
    await sleep(IDLE_SETTLE_MS);
    ctx.progress('row 6: measuring idle RSS…');
    const idle = await sampleMemory(child);
    addNodesQuietly(gateway, NODES, 'mem');
    ctx.progress(`row 6: listing ${NODES} nodes…`);
    await listTheFleet(slack);
    await sleep(1_000);
    const after = await sampleMemory(child);
    await child.stop();
    child = undefined;
    const baseline = await measureBaseline(script);
    const where = 'bot alone in a child (fakes in the bench process), after forced GC; compiled JS, no loader';
    return [
      measure(
        ROW,
        'bot RSS idle',
        'MB',
        idle.map((r) => r.rssMb),
        (s) => ({ text: '≤ 120 MB', pass: s.max <= 120 }),
        where,
      ),
      measure(
        ROW,
        `bot RSS after ${NODES} nodes listed`,
        'MB',
        after.map((r) => r.rssMb),
        (s) => ({ text: '≤ 250 MB', pass: s.max <= 250 }),
        `peak RSS during the run (maxRSS) ${after.at(-1)?.maxRssMb.toFixed(0)} MB; heap used ${after.at(-1)?.heapUsedMb.toFixed(0)} MB (idle ${idle.at(-1)?.heapUsedMb.toFixed(0)} MB)`,
      ),
      measure(
        ROW,
        'for scale: Node alone (same child, nothing started)',
        'MB',
        baseline.map((r) => r.rssMb),
      ),
    ];
  } finally {
    await child?.stop();
    await slack.stop();
    await gateway.stop({ graceMs: 100 });
    await fs.rm(stateDir, { recursive: true, force: true });
    await removeBuild();
  }
}
