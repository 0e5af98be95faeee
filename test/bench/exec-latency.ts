/**
 * Row 8: an exec approval request on the REAL gateway → its card in Slack (issue 14), next to the floor: the same
 * `exec.approval.requested` event arriving at a bare approvals session (one event hop, nothing else). Requests use
 * the reference's node-less shortcut (`host:"gateway"`, twoPhase): resolving them runs nothing. Times run from the
 * gateway's `createdAtMs`; same machine, same clock.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeviceIdentity } from '../../src/gateway/device-identity.js';
import { GatewayClient } from '../../src/gateway/gateway-client.js';
import { createLogger } from '../../src/logger.js';
import { FileIdentityStore } from '../../src/storage/sqlite/file-identities.js';
import type { RealGateway } from '../e2e/support/real-gateway.js';
import { waitFor } from '../e2e/support/real-gateway.js';
import { LogSink, startBenchBot } from './support/bench-bot.js';
import { hiResNowMs, sleep } from './support/clock.js';
import type { BenchContext } from './support/context.js';
import { type Measurement, measure } from './support/report.js';
import { firstActionableAt } from './support/slack-inspect.js';

const ROW = '8 exec→card';
const SAMPLES = 12;
/**
 * Between requests: more than Slack's ~1 message per second per channel, so the row measures the bot and not the
 * rate limit (a burst is row 4's business). The floor sees the same events after the same pause.
 */
const PAUSE_MS = 1_200;
const WAIT = { timeoutMs: 60_000, intervalMs: 5 };
const SCOPES = ['operator.read', 'operator.write', 'operator.approvals', 'operator.admin'];

async function session(gw: RealGateway, dir: string, name: string, caps: string[]): Promise<GatewayClient> {
  const client = new GatewayClient({
    url: gw.url,
    auth: { token: gw.token },
    scopes: SCOPES,
    caps,
    displayName: name,
    signer: await DeviceIdentity.loadOrCreate(new FileIdentityStore(dir), 'default'),
    log: createLogger('warn', new LogSink()),
  });
  client.start();
  await client.waitUntilConnected(30_000);
  return client;
}

export async function runExecLatency(ctx: BenchContext): Promise<Measurement[]> {
  const gw = await ctx.realGateway();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-bench-exec-'));
  const bench = await startBenchBot({ url: gw.url, token: gw.token }, { env: { OPENCLAW_EXEC_APPROVALS: 'true' } });
  const [exec] = bench.bot.gateways.all().map((g) => g.exec);
  await exec?.client.waitUntilConnected(30_000);
  const agent = await session(gw, path.join(dir, 'agent'), 'bench-agent', []);
  const floor = await session(gw, path.join(dir, 'floor'), 'bench-floor', ['approvals']);
  const arrived = new Map<string, number>();
  floor.on('exec.approval.requested', (payload) => {
    const id = (payload as { id?: unknown }).id;
    if (typeof id === 'string' && !arrived.has(id)) arrived.set(id, hiResNowMs());
  });
  const botMs: number[] = [];
  const floorMs: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i += 1) {
      await sleep(PAUSE_MS);
      const accepted = (await agent.request('exec.approval.request', {
        host: 'gateway',
        command: `echo bench-${i}-${crypto.randomBytes(3).toString('hex')}`,
        twoPhase: true,
      })) as { id: string; createdAtMs: number };
      const cardAt = await waitFor(() => firstActionableAt(bench.slack, [accepted.id]).get(accepted.id), {
        ...WAIT,
        description: `exec card ${i + 1}`,
      });
      const eventAt = await waitFor(() => arrived.get(accepted.id), { ...WAIT, description: `floor event ${i + 1}` });
      botMs.push(cardAt - accepted.createdAtMs);
      floorMs.push(eventAt - accepted.createdAtMs);
      ctx.progress(
        `row 8: request ${i + 1}/${SAMPLES}: card ${Math.round(cardAt - accepted.createdAtMs)} ms, event ${Math.round(eventAt - accepted.createdAtMs)} ms`,
      );
      await agent.request('exec.approval.resolve', { id: accepted.id, decision: 'deny' });
    }
  } finally {
    await Promise.all([agent.stop(), floor.stop()]);
    await bench.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return [
    measure(
      ROW,
      `bot: createdAtMs → card posted (real gw, ${SAMPLES} requests ${PAUSE_MS} ms apart)`,
      'ms',
      botMs,
      (s) => ({
        text: 'p50 ≤ 50 ms (like pairing)',
        pass: s.median <= 50,
      }),
    ),
    measure(ROW, 'floor: createdAtMs → the event at a bare approvals session', 'ms', floorMs),
    measure(ROW, 'bot median ÷ floor median', '×', [median(botMs) / median(floorMs)]),
  ];
}
