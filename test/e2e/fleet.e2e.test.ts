import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, firstGateway, type SlackBot, startSlackBot } from '../integration/support/bot-harness.js';
import {
  approveNodeViaCli,
  type NodeHost,
  pendingNodeRequestsViaCli,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/**
 * The fleet model against the real gateway: a node host's disconnect and reconnect reach the bot as `presence`
 * snapshots (node entries carry the node id as `deviceId`) and change the model without a node.list.
 */
describe('the fleet model and node alerts, against the real OpenClaw gateway and a real node host', () => {
  let gw: RealGateway;
  let app: SlackBot;
  let host: NodeHost | undefined;
  let stateDir: string;

  beforeAll(async () => {
    gw = await startGateway();
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-fleet-'));
    app = await startSlackBot(
      { url: gw.url, token: gw.token },
      { stateDir, env: { OPENCLAW_NODE_OFFLINE_AFTER_MS: '3000' } },
    );
    app.slack.allowInjection({ userIds: [ADMIN] });
    host = await startNodeHost(gw, { name: 'fleet-host', commands: ['system.which'] });
    const request = await waitFor(
      async () => (await pendingNodeRequestsViaCli(gw)).find((r) => r.displayName === 'fleet-host'),
      { ...WAIT, description: 'pairing request of fleet-host' },
    );
    await approveNodeViaCli(gw, request.requestId);
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await host?.stop();
    await gw?.stop();
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('sees the node go offline and come back through presence alone, and alerts once, then replies when it is back', async () => {
    const fleet = firstGateway(app.bot).directory;
    const online = await waitFor(
      async () =>
        (await fleet.list()).find(
          (n) => n.displayName === 'fleet-host' && n.connected && n.approvalState === 'approved',
        ),
      { ...WAIT, description: 'fleet-host online and approved in the model' },
    );
    const syncedAt = fleet.syncedAtMs;
    const home = host?.home ?? '';
    await host?.kill('SIGKILL');
    host = undefined;
    await waitFor(async () => (await fleet.list()).find((n) => n.nodeId === online.nodeId)?.connected === false, {
      ...WAIT,
      description: 'fleet-host offline in the model',
    });
    expect(fleet.syncedAtMs).toBe(syncedAt);
    // The node alert: one message once it has been offline for OPENCLAW_NODE_OFFLINE_AFTER_MS.
    const alert = await waitFor(
      () =>
        app.slack
          .messages(CHANNEL)
          .find(
            (m) =>
              !m.thread_ts &&
              JSON.stringify(m.blocks ?? []).includes('is offline since') &&
              JSON.stringify(m.blocks ?? []).includes('fleet-host'),
          ),
      { ...WAIT, description: 'offline alert for fleet-host' },
    );
    host = await startNodeHost(gw, { name: 'fleet-host', commands: ['system.which'], home });
    await waitFor(async () => (await fleet.list()).find((n) => n.nodeId === online.nodeId)?.connected === true, {
      ...WAIT,
      description: 'fleet-host back in the model',
    });
    await waitFor(() => JSON.stringify(app.slack.threadReplies(CHANNEL, alert.ts)).includes('back online'), {
      ...WAIT,
      description: 'back-online reply under the alert',
    });
    const handle = await app.slack.command('nodes online', { user_id: ADMIN, channel_id: CHANNEL });
    expect(JSON.stringify((await handle.nextResponse({ timeoutMs: 10_000 })).body)).toContain('fleet-host');
  });
});
