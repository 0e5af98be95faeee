import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, firstGateway, type SlackBot, startSlackBot } from '../integration/support/bot-harness.js';
import {
  approveNodeViaCli,
  listNodesViaCli,
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
  let homeHost: NodeHost | undefined;
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
    await homeHost?.stop();
    await gw?.stop();
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('sees the node go offline and come back through presence alone, and alerts once, then replies when it is back', async () => {
    const fleet = firstGateway(app.bot).directory;
    // current(): only while the model is in step (the approval's own re-read done), so none is still due.
    const online = await waitFor(
      () =>
        fleet.current()?.find((n) => n.displayName === 'fleet-host' && n.connected && n.approvalState === 'approved'),
      { ...WAIT, description: 'fleet-host online and approved in the model, in step with the gateway' },
    );
    // The approval's pairing events make the model re-read node.list once more, 250 ms after them: let it pass first
    // (in step, and the last read a second old, so no debounced re-read is pending).
    await waitFor(() => fleet.current() !== undefined && Date.now() - (fleet.syncedAtMs ?? Date.now()) >= 1_000, {
      ...WAIT,
      description: 'the model settled after the approval',
    });
    const syncedAt = fleet.syncedAtMs;
    const home = host?.home ?? '';
    await host?.kill('SIGKILL');
    host = undefined;
    await waitFor(() => fleet.current()?.find((n) => n.nodeId === online.nodeId)?.connected === false, {
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

  it('approves a real node host from the App Home tab: the gateway pairs it, Home and a DM say so, the card updates', async () => {
    homeHost = await startNodeHost(gw, { name: 'home-host', commands: ['system.which'] });
    const card = await waitFor(
      () => app.slack.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes('home-host')),
      { ...WAIT, description: 'card for home-host' },
    );
    await app.slack.openHome(ADMIN);
    const home = await waitFor(
      () => {
        const view = app.slack.home(ADMIN);
        return JSON.stringify(view?.blocks ?? []).includes('home-host') ? view : undefined;
      },
      { ...WAIT, description: 'the admin’s Home tab listing home-host' },
    );
    // The fleet overview counts fleet-host, which the first test approved.
    expect(JSON.stringify(home.blocks)).toMatch(/\d+ online/);
    await app.slack.clickInView({ viewId: String(home.id), actionId: 'pairing.approve', userId: ADMIN });
    const paired = await waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.find((n) => n.displayName === 'home-host' && n.approvalState === 'approved'),
      { ...WAIT, description: 'home-host approved on the gateway' },
    );
    expect(paired.commands).toContain('system.which');
    await waitFor(() => JSON.stringify(app.slack.home(ADMIN)?.blocks ?? []).includes('Approved by'), {
      ...WAIT,
      description: 'the Home tab with the outcome',
    });
    await waitFor(() => app.slack.messages(`D${ADMIN.slice(1)}`).find((m) => m.text.includes('Approved by')), {
      ...WAIT,
      description: 'the DM',
    });
    await waitFor(
      () => JSON.stringify(app.slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.blocks).includes('Approved by'),
      { ...WAIT, description: 'the channel card updated' },
    );
    expect(app.slack.violations).toEqual([]);
  });
});
