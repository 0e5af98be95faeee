import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../src/gateway/schemas.js';
import type { GatewayRuntime } from '../../src/runtime/gateways.js';
import { firstGateway, type SlackBot, startSlackBot } from '../integration/support/bot-harness.js';
import { type NodeHost, type RealGateway, startGateway, startNodeHost, waitFor } from './support/real-gateway.js';

/** Node alerts only (OPENCLAW_ALERT_CHANNEL); the gateway-lost alert and pairing cards go to the pairing channel. */
const ALERTS = 'C0NODEALERT';
/**
 * OPENCLAW_NODE_OFFLINE_AFTER_MS. Shorter than every restart of the real gateway seen here (15–40 s until the bot is
 * back), so an offline clock that ran while the gateway was away, or that started at a node's connect time (what the
 * restarted gateway reports as last seen), makes every node due the moment the bot is back. Longer than the node
 * hosts need to reconnect once thawed (1–3 s).
 */
const OFFLINE_AFTER_MS = 10_000;
const NAMES = ['storm-a', 'storm-b', 'storm-c'] as const;
const WAIT = { timeoutMs: 90_000, intervalMs: 50 };

const connectedNodes = (nodes: readonly NodeInfo[]) =>
  nodes.filter((n) => NAMES.some((name) => name === n.displayName) && n.connected === true);

/**
 * A restart of the real gateway with three approved real node hosts: whether planned (SIGUSR2: `shutdown` with
 * `restartExpectedMs`, 1012, back in the same process) or a stop and a start on the same port and HOME, the nodes
 * are lost with the gateway and come back by themselves, and no node alert is posted: not one per node, not a grouped
 * one. The node hosts are frozen from the moment the bot loses its session until its fleet model is back in step, so
 * the bot is always back first (left alone, their backoff of 1, 2, 4, 8, 16, 30 s decides whether they beat the bot,
 * and the test would only sometimes reach the moment the rule is about: the bot back, the nodes not yet).
 */
describe('a gateway restart with approved nodes connected, against the real OpenClaw gateway and node hosts', () => {
  let gw: RealGateway;
  let app: SlackBot;
  let rt: GatewayRuntime;
  let hosts: NodeHost[] = [];
  let stateDir: string;

  beforeAll(async () => {
    const setupAtMs = Date.now();
    gw = await startGateway();
    const gatewayMs = Date.now() - setupAtMs;
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-storm-'));
    const [bot, ...started] = await Promise.all([
      startSlackBot(
        { url: gw.url, token: gw.token },
        {
          stateDir,
          env: { OPENCLAW_NODE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS), OPENCLAW_ALERT_CHANNEL: ALERTS },
          prepareSlack: (slack) => {
            slack.addChannel(ALERTS);
            slack.joinChannel(ALERTS);
          },
        },
      ),
      ...NAMES.map((name) => startNodeHost(gw, { name, commands: ['system.which'], connectTimeoutMs: 150_000 })),
    ]);
    app = bot;
    hosts = started;
    rt = firstGateway(app.bot);
    for (const name of NAMES) {
      const request = await waitFor(
        async () => (await rt.nodes.pairList()).pending.find((r) => r.displayName === name),
        { ...WAIT, description: `pairing request of ${name}` },
      );
      await rt.nodes.pairApprove(request.requestId);
    }
    await waitFor(async () => connectedNodes(await rt.directory.list()).length === NAMES.length, {
      ...WAIT,
      description: 'three approved nodes online in the model',
    });
    console.log(
      `setup: gateway ready in ${gatewayMs} ms, bot and three approved nodes in ${Date.now() - setupAtMs} ms`,
    );
  }, 240_000);

  afterAll(async () => {
    for (const host of hosts) await host.kill('SIGCONT');
    await app?.stop();
    await Promise.all([...hosts.map((host) => host.stop()), gw?.stop()]);
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  /** Restarts the gateway through `restart` and checks the rule; returns what the bot saw, for the log. */
  async function restartWithoutStorm(restart: () => Promise<void>) {
    const client = rt.client;
    const seen: { shutdown: unknown[]; lost: string[] } = { shutdown: [], lost: [] };
    const offShutdown = client.on('shutdown', (payload) => seen.shutdown.push(payload));
    const offState = client.onStateChange((s) => {
      if (s.state === 'reconnecting' && s.lastError) seen.lost.push(s.lastError);
    });
    try {
      // The nodes have been connected for longer than the delay: a clock started at their connect time would run out.
      const youngestMs = Math.max(...(await rt.directory.list()).map((n) => n.connectedAtMs ?? Date.now()));
      await waitFor(() => Date.now() - youngestMs >= OFFLINE_AFTER_MS, {
        ...WAIT,
        description: 'nodes connected longer than the offline delay',
      });
      const restartedAtMs = Date.now();
      const restarting = restart();
      await waitFor(() => !client.isConnected, { ...WAIT, description: 'the bot loses its session' });
      const lostAtMs = client.getStatus().sinceMs;
      for (const host of hosts) await host.kill('SIGSTOP');
      await restarting;
      await client.waitUntilConnected(WAIT.timeoutMs);
      const back = await waitFor(() => rt.directory.current(), { ...WAIT, description: 'fleet model in step again' });
      const backAtMs = Date.now();
      await rt.duties.nodeAlertsIdle();
      // The moment the rule is about: the bot is back and sees all three offline.
      expect(connectedNodes(back)).toEqual([]);
      const listed = (await rt.nodes.list()).nodes.map((n) => `${n.displayName} ${n.lastSeenReason} ${n.lastSeenAtMs}`);
      for (const host of hosts) await host.kill('SIGCONT');
      await waitFor(async () => connectedNodes(await rt.directory.list()).length === NAMES.length, {
        ...WAIT,
        description: 'the three nodes back online in the model',
      });
      const allBackAtMs = Date.now();
      console.log(
        `lost at ${lostAtMs}; bot back after ${backAtMs - lostAtMs} ms; all nodes back after ${allBackAtMs - lostAtMs} ms` +
          ` (${allBackAtMs - backAtMs} ms after the bot); close: ${seen.lost[0]}; shutdown: ${JSON.stringify(seen.shutdown)};` +
          ` node.list after the restart: ${listed.join(', ')}`,
      );
      await rt.duties.nodeAlertsIdle();
      await app.bot.delivery.sync();
      expect(await app.bot.storage.alerts.listOpen('default')).toEqual([]);
      expect(await app.bot.storage.alerts.listClosedSince('default', restartedAtMs)).toEqual([]);
      expect(app.slack.messages(ALERTS).filter((m) => Number(m.ts) * 1000 >= restartedAtMs)).toEqual([]);
      expect(app.slack.violations).toEqual([]);
      // Each was connected until the session was lost, whatever last-seen time the restarted gateway lists.
      for (const n of back.filter((b) => NAMES.some((name) => name === b.displayName)))
        expect(n.lastSeenAtMs ?? 0).toBeGreaterThanOrEqual(lostAtMs);
      return seen;
    } finally {
      offShutdown();
      offState();
      for (const host of hosts) await host.kill('SIGCONT');
    }
  }

  it('a planned restart (SIGUSR2: shutdown with restartExpectedMs, 1012, same process) posts no node alert', async () => {
    const seen = await restartWithoutStorm(async () => gw.signal('SIGUSR2'));
    expect(seen.shutdown).toEqual([expect.objectContaining({ restartExpectedMs: expect.any(Number) })]);
    expect(seen.lost[0]).toContain('1012');
  });

  it('a stop and a start on the same port and state posts no node alert either', async () => {
    const seen = await restartWithoutStorm(async () => {
      await gw.kill('SIGTERM');
      gw = await startGateway({ port: gw.port, home: gw.home, token: gw.token });
    });
    expect(seen.shutdown).toEqual([expect.not.objectContaining({ restartExpectedMs: expect.anything() })]);
  });
});
