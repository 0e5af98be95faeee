import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRequestError } from '../../src/errors.js';
import { DeviceIdentity } from '../../src/gateway/device-identity.js';
import { GatewayClient } from '../../src/gateway/gateway-client.js';
import { createLogger } from '../../src/logger.js';
import { FileIdentityStore } from '../../src/storage/sqlite/file-identities.js';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import {
  ADMIN,
  APPROVER,
  CHANNEL,
  LogCapture,
  type SlackBot,
  startSlackBot,
} from '../integration/support/bot-harness.js';
import {
  gatewayCli,
  listNodesViaCli,
  type NodeHost,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

interface Plan {
  argv: string[];
  cwd?: string;
  commandText: string;
  agentId?: string;
  sessionKey?: string;
}

/**
 * Exec approvals against the real gateway and a real node host, with the recipe of the reference
 * (exec-approvals.md §4): node policy ask=always, system.run.prepare, exec.approval.request from a test client that
 * then runs the approved command on its own connection.
 */
describe('exec approvals, against the real OpenClaw gateway and a real node host', () => {
  let gw: RealGateway;
  let app: SlackBot;
  let host: NodeHost;
  let agent: GatewayClient;
  let nodeId: string;
  const dirs: string[] = [];

  const tempDir = async (kind: string) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ocso-e2e-exec-${kind}-`));
    dirs.push(dir);
    return dir;
  };

  /** Prepares `argv` on the node and asks for an approval; returns the approval id and the plan to run. */
  const ask = async (argv: string[], extra: Record<string, unknown> = {}) => {
    const prepared = (await agent.request('node.invoke', {
      nodeId,
      command: 'system.run.prepare',
      params: { command: argv, rawCommand: argv.join(' ') },
      idempotencyKey: crypto.randomUUID(),
    })) as { payload: { plan: Plan } };
    const plan = prepared.payload.plan;
    const accepted = (await agent.request('exec.approval.request', {
      host: 'node',
      nodeId,
      command: plan.commandText,
      systemRunPlan: plan,
      cwd: plan.cwd,
      agentId: plan.agentId,
      sessionKey: plan.sessionKey,
      ask: 'always',
      security: 'full',
      twoPhase: true,
      ...extra,
    })) as { status: string; id: string };
    expect(accepted.status).toBe('accepted');
    return { id: accepted.id, plan };
  };

  /** Runs the planned command as approved by `id` (the gateway checks the approval, not us). */
  const run = (id: string, plan: Plan) =>
    agent.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: {
        command: plan.argv,
        rawCommand: plan.commandText,
        systemRunPlan: plan,
        cwd: plan.cwd,
        runId: id,
        approved: true,
        approvalDecision: 'allow-once',
      },
      idempotencyKey: crypto.randomUUID(),
    }) as Promise<{ payload?: { stdout?: string; exitCode?: number } }>;

  const statusOf = async (id: string) =>
    ((await agent.request('approval.get', { id })) as { approval: { status: string; decision?: string } }).approval;

  const cardOf = (id: string) =>
    waitFor(
      () => app.slack.messages(CHANNEL).find((m) => !m.thread_ts && JSON.stringify(m.metadata ?? {}).includes(id)),
      { ...WAIT, description: `exec card for ${id}` },
    );

  /** What the bot's approvals session received, for the shapes the fake gateway copies. */
  const seen: { event: string; payload: unknown }[] = [];

  beforeAll(async () => {
    gw = await startGateway();
    app = await startSlackBot(
      { url: gw.url, token: gw.token },
      { stateDir: await tempDir('bot'), env: { OPENCLAW_EXEC_APPROVALS: 'true' } },
    );
    const [runtime] = app.bot.gateways.all();
    runtime?.exec?.client.on('*', (payload, frame) => {
      if (frame.event.startsWith('exec.approval.')) seen.push({ event: frame.event, payload });
    });
    host = await startNodeHost(gw, { name: 'exec-host' });
    const pairing = await waitFor(() => app.slack.messages(CHANNEL).find((m) => json(m).includes('exec-host')), {
      ...WAIT,
      description: 'pairing card for exec-host',
    });
    await app.slack.action({ channel: CHANNEL, messageTs: pairing.ts, actionId: 'pairing.approve', userId: ADMIN });
    const node = await waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.find(
          (n) => n.displayName === 'exec-host' && n.connected && n.approvalState === 'approved',
        ),
      { ...WAIT, description: 'exec-host approved and connected' },
    );
    nodeId = node.nodeId;
    agent = new GatewayClient({
      url: gw.url,
      auth: { token: gw.token },
      scopes: ['operator.read', 'operator.write', 'operator.approvals', 'operator.admin'],
      displayName: 'e2e-agent',
      signer: await DeviceIdentity.loadOrCreate(new FileIdentityStore(await tempDir('agent')), 'default'),
      log: createLogger('warn', new LogCapture()),
    });
    agent.start();
    await agent.waitUntilConnected(30_000);
    const current = (await agent.request('exec.approvals.node.get', { nodeId })) as { hash: string };
    await agent.request('exec.approvals.node.set', {
      nodeId,
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: current.hash,
    });
  }, 240_000);

  afterAll(async () => {
    await agent?.stop();
    await app?.stop();
    await host?.stop();
    await gw?.stop();
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });

  it('posts the real request; Allow once from Slack lets exactly that command run, once', async () => {
    const { id, plan } = await ask(['echo', 'hi-from-slack']);
    const card = await cardOf(id);
    const shown = json(card);
    expect(shown).toContain('echo hi-from-slack');
    expect(shown).toContain('exec-host');
    expect(shown).toContain(nodeId.slice(0, 12));
    expect(shown).toContain('exec.allow-once');
    expect(shown).not.toContain('exec.allow-always'); // ask=always: the gateway does not offer it
    await app.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.allow-once', userId: ADMIN });
    await waitFor(async () => (await statusOf(id)).status === 'allowed', { ...WAIT, description: 'allowed' });
    const ran = await run(id, plan);
    expect(ran.payload?.stdout).toBe('hi-from-slack\n');
    await expect(run(id, plan)).rejects.toThrow(/approval required/i);
    await waitFor(
      () => json(app.slack.messages(CHANNEL).find((m) => m.ts === card.ts)).includes(`Allowed once by <@${ADMIN}>`),
      {
        ...WAIT,
        description: 'card updated',
      },
    );
    expect(app.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    expect(app.slack.violations).toEqual([]);
  });

  it('Deny from Slack makes the run fail at the gateway', async () => {
    const { id, plan } = await ask(['echo', 'never']);
    const card = await cardOf(id);
    await app.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'exec.deny', userId: ADMIN });
    await waitFor(async () => (await statusOf(id)).status === 'denied', { ...WAIT, description: 'denied' });
    const failed = await run(id, plan).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(GatewayRequestError);
    await waitFor(
      () => json(app.slack.messages(CHANNEL).find((m) => m.ts === card.ts)).includes(`Denied by <@${ADMIN}>`),
      {
        ...WAIT,
        description: 'card says denied',
      },
    );
  });

  it('ignores a click by someone who is not an exec approver; a CLI decision then updates the card', async () => {
    const { id } = await ask(['echo', 'not-yours']);
    const card = await cardOf(id);
    const click = await app.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'exec.allow-once',
      userId: APPROVER,
    });
    expect(JSON.stringify((await click.nextResponse({ timeoutMs: 10_000 })).body)).toMatch(
      /only OPENCLAW_EXEC_APPROVERS/,
    );
    expect((await statusOf(id)).status).toBe('pending');
    await gatewayCli(gw, ['approvals', 'resolve', id, 'deny']);
    const updated = await waitFor(
      () => {
        const m = app.slack.messages(CHANNEL).find((c) => c.ts === card.ts);
        return json(m).includes('decided outside Slack') ? m : undefined;
      },
      { ...WAIT, description: 'card decided outside Slack' },
    );
    expect(json(updated)).not.toContain('exec.allow-once');
    const resolved = seen.find((e) => e.event === 'exec.approval.resolved' && (e.payload as { id?: string }).id === id);
    const snapshot = (await agent.request('approval.get', { id })) as { approval: Record<string, unknown> };
    console.log(
      `CLI resolution: event ${JSON.stringify(resolved?.payload).slice(0, 200)}… snapshot resolver ${JSON.stringify(snapshot.approval.resolver)}`,
    );
    console.log(
      `requested event: ${JSON.stringify(seen.find((e) => e.event === 'exec.approval.requested')?.payload).slice(0, 400)}…`,
    );
  });

  it('a short timeoutMs ends in "expired", not in a denial by someone', async () => {
    const { id } = await ask(['echo', 'too-late'], { timeoutMs: 3_000 });
    const card = await cardOf(id);
    const expired = await waitFor(
      () => {
        const m = app.slack.messages(CHANNEL).find((c) => c.ts === card.ts);
        return json(m).includes('Expired') ? m : undefined;
      },
      { ...WAIT, description: 'card expired' },
    );
    expect(json(expired)).not.toContain('Denied');
    expect((await statusOf(id)).status).toBe('expired');
  });

  it('posts a request made while the bot was down once it is back', async () => {
    await app.bot.stop();
    // With no approval route connected the gateway would expire it at once; this requester keeps it waiting.
    const { id } = await ask(['echo', 'while-down'], { requireDeliveryRoute: false });
    await app.restartBot();
    const card = await cardOf(id);
    expect(json(card)).toContain('echo while-down');
    expect(app.slack.messages(CHANNEL).filter((m) => JSON.stringify(m.metadata ?? {}).includes(id))).toHaveLength(1);
  });
});
