import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResponseDelivery } from '../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, firstGateway, type Harness, STRANGER, startHarness } from './support/bot-harness.js';

const MODES = ['socket', 'http'] as const;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INVOKER = 'U0INVOKER1';
const body = (r: ResponseDelivery) => JSON.stringify(r.body);
const until = <T>(fn: () => T, timeout = 5_000) => vi.waitFor(fn, { timeout, interval: 10 });

async function ask(harness: Harness, text: string, user = STRANGER): Promise<ResponseDelivery> {
  const handle = await harness.slack.command(text, { user_id: user, channel_id: CHANNEL });
  expect(handle.acked).toBe(true);
  expect(handle.ackMs).toBeLessThan(3_000);
  return handle.nextResponse({ timeoutMs: 5_000 });
}

describe.each(['socket', 'http'] as const)('/openclaw (%s mode)', (mode) => {
  it('answers nodes, describe and presence for everyone', async () => {
    let node: { nodeId: string } = { nodeId: '' };
    h = await startHarness({
      mode,
      prepareGateway: (g) => {
        node = g.addNode({
          displayName: 'alpha',
          commands: ['system.which'],
          approved: true,
          connected: true,
          hostStats: { cpuCount: 4, loadAverage: [0.5, 0.4, 0.3], updatedAtMs: Date.now() },
        });
      },
    });
    const nodes = await ask(h, 'nodes');
    expect(body(nodes)).toContain('alpha');
    expect(nodes.body.response_type ?? 'ephemeral').toBe('ephemeral');
    const described = await ask(h, 'describe ALPHA');
    expect(body(described)).toContain('system.which');
    expect(body(described)).toContain(node.nodeId.slice(0, 12));
    expect(body(described)).toMatch(/4 CPUs/);
    // Both are answered from the fleet model: the one node.list is the one read after the bot connected.
    expect(h.gateway.callCount('node.list')).toBe(1);
    expect(body(await ask(h, 'presence'))).toMatch(/connected/);
    expect(h.slack.violations).toEqual([]);
    expect(h.slack.failures).toEqual([]);
  });
});

describe.each(MODES)('/openclaw invoke (%s mode)', (mode) => {
  it('invokes an ordinary command for an invoker with its own idempotency key each time', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'beta', commands: ['ollama.models'], approved: true, connected: true });
    h.gateway.setInvokeHandler(() => ({ models: ['llama'] }));
    expect(body(await ask(h, 'invoke beta ollama.models {}', INVOKER))).toContain('llama');
    await ask(h, 'invoke beta ollama.models', INVOKER);
    const keys = h.gateway.received
      .filter((r) => r.method === 'node.invoke')
      .map((r) => (r.params as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    const rows = (await h.bot.storage.audit.list(5)).filter((a) => a.actor === INVOKER && a.action === 'invoke');
    expect(rows.map((a) => [a.outcome, (a.params as { command: string }).command])).toEqual([
      ['ok', 'ollama.models'],
      ['ok', 'ollama.models'],
    ]);
  });

  it('refuses invoke to people outside OPENCLAW_INVOKERS and admin-sensitive commands to non-admins', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({
      displayName: 'gamma',
      commands: ['system.which', 'ollama.models'],
      approved: true,
      connected: true,
    });
    expect(body(await ask(h, 'invoke gamma ollama.models', STRANGER))).toMatch(/OPENCLAW_INVOKERS/);
    expect(body(await ask(h, 'invoke gamma system.which {"bins":["ls"]}', INVOKER))).toMatch(/OPENCLAW_ADMINS/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    // Not on the harmless list: an admin is asked to confirm first, and only the confirm click runs it.
    expect(body(await ask(h, 'invoke gamma system.which {"bins":["ls"]}', ADMIN))).toContain(
      'Run system.which on gamma?',
    );
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    const prompt = h.slack.ephemerals({ user: ADMIN }).at(-1);
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: prompt?.ts ?? '',
      actionId: 'command.confirm',
      userId: ADMIN,
    });
    expect(body(await click.nextResponse())).toContain('/usr/bin/ls');
    expect(h.gateway.callCount('node.invoke')).toBe(1);
  });

  it('keeps system.run off unless allowed, then runs it once after the admin confirms', async () => {
    h = await startHarness({ mode });
    h.gateway.addNode({ displayName: 'shell', commands: ['system.run'], approved: true, connected: true });
    expect(body(await ask(h, 'invoke shell system.run {"command":["echo","hi"]}', ADMIN))).toMatch(
      /OPENCLAW_ALLOW_SYSTEM_RUN/,
    );
    await h.stop();

    h = await startHarness({ mode, env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true' } });
    h.gateway.addNode({ displayName: 'shell', commands: ['system.run'], approved: true, connected: true });
    const handle = await h.slack.command('invoke shell system.run {"command":["echo","hi"]}', {
      user_id: ADMIN,
      channel_id: CHANNEL,
    });
    const prompt = await handle.nextResponse();
    expect(body(prompt)).toContain('echo');
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    const ephemeral = h.slack.ephemerals({ user: ADMIN }).at(-1);
    expect(ephemeral).toBeDefined();
    const click = () =>
      h?.slack.action({ channel: CHANNEL, messageTs: ephemeral?.ts ?? '', actionId: 'command.confirm', userId: ADMIN });
    const [first] = await Promise.all([click(), click()]);
    await until(() => expect(h?.gateway.callCount('node.invoke')).toBe(1));
    expect(first?.acked).toBe(true);
  });

  it('explains bad JSON with its position and unknown nodes with suggestions, without calling the gateway', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'delta', commands: ['ollama.models'], approved: true, connected: true });
    expect(body(await ask(h, 'invoke delta ollama.models {"a":1,,}', INVOKER))).toMatch(/position/);
    expect(body(await ask(h, 'invoke deltx ollama.models', INVOKER))).toMatch(/delta/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
  });

  it('truncates long output and attaches it in full in a DM with the caller', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'chatty', commands: ['ollama.models'], approved: true, connected: true });
    const models = Array.from({ length: 2_000 }, (_, i) => `model-${i}-<@U0ADMIN001>`);
    h.gateway.setInvokeHandler(() => ({ models }));
    const answer = body(await ask(h, 'invoke chatty ollama.models', INVOKER));
    expect(answer).toMatch(/Output truncated/);
    await until(() => expect(h?.slack.files()).toHaveLength(1));
    const [file] = h.slack.files();
    expect(file).toMatchObject({ channel_id: `D${INVOKER.slice(1)}` });
    expect(Number(file?.size)).toBeGreaterThan(JSON.stringify(models).length);
    expect(h.slack.violations).toEqual([]);
  });

  it('says the node is offline when the gateway answers NOT_CONNECTED', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'sleepy', commands: ['ollama.models'], approved: true, connected: false });
    expect(body(await ask(h, 'invoke sleepy ollama.models', INVOKER))).toMatch(/offline|not connected/i);
  });
});

describe.each(MODES)('/openclaw mutations (%s mode)', (mode) => {
  it('renames for approvers only and audits it', async () => {
    h = await startHarness({ mode });
    const node = h.gateway.addNode({ displayName: 'old-name', commands: [], approved: true, connected: true });
    expect(body(await ask(h, 'rename old-name new-name', STRANGER))).toMatch(/OPENCLAW_APPROVERS/);
    await ask(h, 'rename old-name new-name', APPROVER);
    expect(h.gateway.nodes().find((n) => n.nodeId === node.nodeId)?.displayName).toBe('new-name');
    expect(
      (await h.bot.storage.audit.list(5)).some(
        (a) => a.actor === APPROVER && a.action === 'rename' && a.outcome === 'ok',
      ),
    ).toBe(true);
  });

  it('lists pending requests; approve by id shows the whole card first, and its button approves', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'waiting', commands: ['ollama.models'] });
    await until(async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(1));
    expect(body(await ask(h, 'pending'))).toContain('waiting');
    const review = await ask(h, `approve ${requestId}`, APPROVER);
    expect(body(review)).toContain('Review this request');
    expect(body(review)).toContain('`ollama.models`');
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    const shown = h.slack.ephemerals({ user: APPROVER }).at(-1);
    await h.slack.action({
      channel: CHANNEL,
      messageTs: shown?.ts ?? '',
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    expect(body(await ask(h, `reject ${requestId}`, APPROVER))).toMatch(/no longer pending|already/i);
  });

  it('explains the removed seed commands', async () => {
    h = await startHarness({ mode });
    expect(body(await ask(h, 'pair-request'))).toMatch(/2026\.7/);
  });

  it('answers within 3 s while the gateway is slow, and says when it is down', async () => {
    h = await startHarness({ mode });
    h.gateway.delayResponses(4_000);
    const handle = await h.slack.command('nodes', { user_id: STRANGER, channel_id: CHANNEL });
    expect(handle.ackMs).toBeLessThan(1_000);
    h.gateway.delayResponses(0);
    await h.gateway.stop();
    await until(() => expect(firstGateway((h as Harness).bot).client.isConnected).toBe(false));
    expect(body(await ask(h, 'nodes'))).toMatch(/unreachable/);
  });

  it('pages nodes in place with Next, and keeps the page (with a reason beside it) when the gateway is down', async () => {
    h = await startHarness({ mode });
    for (let i = 0; i < 15; i += 1) {
      h.gateway.addNode({ displayName: `node-${String(i).padStart(2, '0')}`, approved: true, connected: true });
    }
    await ask(h, 'nodes');
    const shown = () => h?.slack.ephemerals({ channel: CHANNEL, user: STRANGER }) ?? [];
    const page = shown().at(-1);
    if (!page) throw new Error('no nodes answer');
    expect(JSON.stringify(page.blocks)).toContain('node-00');
    const next = await h.slack.action({
      channel: CHANNEL,
      messageTs: page.ts,
      actionId: 'nodes.page.next',
      userId: STRANGER,
    });
    await next.nextResponse({ timeoutMs: 5_000 });
    const second = JSON.stringify(shown().find((e) => e.ts === page.ts)?.blocks);
    expect(second).toContain('node-14');
    expect(second).not.toContain('node-00');
    expect(second).toContain('nodes.page.prev');

    await h.gateway.stop();
    await until(() => expect(firstGateway((h as Harness).bot).client.isConnected).toBe(false));
    const prev = await h.slack.action({
      channel: CHANNEL,
      messageTs: page.ts,
      actionId: 'nodes.page.prev',
      userId: STRANGER,
    });
    const failed = await prev.nextResponse({ timeoutMs: 5_000 });
    expect(failed.httpStatus).toBe(200);
    expect(body(failed)).toMatch(/unreachable/);
    // The page and its buttons are still there to try again; the reason is a message of its own.
    expect(JSON.stringify(shown().find((e) => e.ts === page.ts)?.blocks)).toBe(second);
    expect(shown().some((e) => e.ts !== page.ts && /unreachable/.test(JSON.stringify(e)))).toBe(true);
    expect(h.slack.failures).toEqual([]);
  });

  it('answers from the fleet model: presence and host stats pushed by the gateway show without a node.list', async () => {
    let nodeId = '';
    h = await startHarness({
      mode,
      prepareGateway: (g) => {
        nodeId = g.addNode({ displayName: 'edge-1', approved: true, connected: true }).nodeId;
      },
    });
    expect(body(await ask(h, 'nodes'))).toContain('edge-1');
    const lists = h.gateway.callCount('node.list');
    h.gateway.setNodeConnected(nodeId, false);
    await until(async () => expect(body(await ask(h as Harness, 'nodes offline'))).toContain('edge-1'));
    h.gateway.emitEvent('node.hostStats', {
      nodeId,
      hostStats: { cpuCount: 16, diskTotalBytes: 1e12, diskAvailableBytes: 4e11, updatedAtMs: Date.now() - 30_000 },
    });
    await until(async () => expect(body(await ask(h as Harness, 'describe edge-1'))).toMatch(/16 CPUs/));
    expect(h.gateway.callCount('node.list')).toBe(lists);
    // A rename is the bot's own change: the next answer reads the gateway again and shows the new name.
    await ask(h, 'rename edge-1 edge-renamed', APPROVER);
    expect(body(await ask(h, 'nodes'))).toContain('edge-renamed');
  });

  it('sums up each gateway’s fleet in presence: online, offline with last seen, pending, low disk', async () => {
    h = await startHarness({
      mode,
      prepareGateway: (g) => {
        g.addNode({ displayName: 'up-1', approved: true, connected: true });
        g.addNode({ displayName: 'down-1', approved: true, connected: false });
      },
    });
    h.gateway.requestNodePairing({ displayName: 'asking-1', commands: ['ollama.models'] });
    await until(async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(1));
    const answer = body(await ask(h, 'presence'));
    expect(answer).toContain('2 approved node(s): 1 online, 1 offline (`down-1` last seen');
    expect(answer).toContain('1 pairing request(s) pending');
  });

  it('renders hostile input inert', async () => {
    h = await startHarness({ mode });
    for (const text of [
      '<!channel> hi',
      'describe <@U0ADMIN001>',
      'nodes <https://evil.example|click>',
      'x'.repeat(100_000),
    ]) {
      await ask(h, text);
    }
    expect(h.slack.violations).toEqual([]);
  });

  it('never lets a node-chosen name ping or link, in any answer or confirmation', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true' } });
    const evil = '<!channel> <https://evil.example|Confirm here> <@U0STRANGER> &amp;';
    const node = h.gateway.addNode({ displayName: evil, commands: ['system.run'], approved: true, connected: true });
    const id = node.nodeId.slice(0, 12);
    for (const text of [
      'nodes',
      `describe ${id}`,
      `remove ${id} --share`,
      `invoke ${id} system.run {"command":["id"]}`,
    ]) {
      await ask(h, text, ADMIN);
    }
    expect(h.slack.violations).toEqual([]);
  });
});
