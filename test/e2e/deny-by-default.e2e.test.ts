import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import { ADMIN, CHANNEL, type SlackBot, startSlackBot } from '../integration/support/bot-harness.js';
import {
  listNodesViaCli,
  type NodeHost,
  type RealGateway,
  startGateway,
  startNodeHost,
  waitFor,
} from './support/real-gateway.js';

const WAIT = { timeoutMs: 60_000, intervalMs: 200 };
const INVOKER = 'U0INVOKER1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE_COMMANDS = ['file.fetch', 'file.stat', 'dir.list'];
const json = (m: StoredMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('deny by default, against the real OpenClaw gateway and a real node host', () => {
  let gw: RealGateway;
  let app: SlackBot;
  let host: NodeHost;
  let stateDir: string;
  let declared: readonly string[] = [];

  const ask = async (text: string, user: string) => {
    const handle = await app.slack.command(text, { user_id: user, channel_id: CHANNEL });
    return JSON.stringify((await handle.nextResponse({ timeoutMs: 30_000 })).body);
  };

  beforeAll(async () => {
    // The gateway withholds file transfer unless gateway.nodes.commands.allow names it (its "dangerous" commands).
    gw = await startGateway({ config: { gateway: { nodes: { commands: { allow: FILE_COMMANDS } } } } });
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-e2e-dbd-'));
    app = await startSlackBot({ url: gw.url, token: gw.token }, { stateDir, env: { OPENCLAW_INVOKERS: INVOKER } });
    app.slack.allowInjection({ userIds: [ADMIN, INVOKER] });
    host = await startNodeHost(gw, { name: 'dbd-host' });
    const card = await waitFor(() => app.slack.messages(CHANNEL).find((m) => json(m).includes('dbd-host')), {
      ...WAIT,
      description: 'card for dbd-host',
    });
    const pending = await waitFor(
      async () => (await listNodesViaCli(gw)).pending.find((r) => r.displayName === 'dbd-host'),
      WAIT,
    );
    declared = pending.commands;
    console.log(
      `dbd-host declares caps ${pending.caps.join(', ')}; ${declared.length} commands: ${declared.join(', ')}`,
    );
    await app.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    await waitFor(
      async () =>
        (await listNodesViaCli(gw)).paired.some((n) => n.displayName === 'dbd-host' && n.approvalState === 'approved'),
      { ...WAIT, description: 'dbd-host approved' },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await host?.stop();
    await gw?.stop();
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('lists every command of the real surface that is not harmless on the card, as an admin decision', () => {
    expect(declared).toEqual(expect.arrayContaining(['mcp.tools.call.v1', 'desktop.stream', ...FILE_COMMANDS]));
    const card = app.slack.messages(CHANNEL).find((m) => json(m).includes('dbd-host'));
    const text = json(card);
    const sensitive = declared.filter((c) => !['ollama.models', 'device.info', 'device.status'].includes(c));
    for (const command of sensitive) expect([command, text.includes(`\`${command}\``)]).toEqual([command, true]);
    expect(text).toContain(`Admin-sensitive* (${sensitive.length}, not on the harmless list)`);
  });

  it('refuses an invoker mcp.tools.call.v1, desktop.stream and file.fetch, and audits each refusal', async () => {
    for (const command of ['mcp.tools.call.v1', 'desktop.stream', 'file.fetch']) {
      expect(await ask(`invoke dbd-host ${command} {}`, INVOKER)).toMatch(/Not allowed/);
    }
    const refused = (await app.bot.storage.audit.list(50)).filter(
      (a) => a.actor === INVOKER && a.outcome === 'refused',
    );
    expect(refused.map((a) => (a.params as { command: string }).command)).toEqual([
      'mcp.tools.call.v1',
      'desktop.stream',
      'file.fetch',
    ]);
  });

  it('asks an admin to confirm desktop.stream and file.fetch, and keeps mcp.tools.call.v1 off', async () => {
    expect(await ask('invoke dbd-host desktop.stream {}', ADMIN)).toContain('Run desktop.stream on dbd-host?');
    expect(await ask('invoke dbd-host mcp.tools.call.v1 {}', ADMIN)).toMatch(/OPENCLAW_ALLOW_SYSTEM_RUN/);
    const prompt = await ask(`invoke dbd-host file.stat {"path":"${host.home}"}`, ADMIN);
    expect(prompt).toContain('Run file.stat on dbd-host?');
    const shown = app.slack.ephemerals({ user: ADMIN }).at(-1);
    const click = await app.slack.action({
      channel: CHANNEL,
      messageTs: shown?.ts ?? '',
      actionId: 'command.confirm',
      userId: ADMIN,
    });
    await click.nextResponse({ timeoutMs: 30_000 });
    await waitFor(
      async () =>
        (await app.bot.storage.audit.list(5)).find(
          (a) => a.action === 'invoke' && a.actor === ADMIN && a.outcome !== 'intent',
        ),
      {
        ...WAIT,
        description: 'the file.stat invoke audited',
      },
    );
  });

  it('shows free disk as a figure in describe', async () => {
    const described = await waitFor(
      async () => {
        const text = await ask('describe dbd-host', INVOKER);
        return /disk [\d.]+ [KMGT]?i?B free of [\d.]+ [KMGT]?i?B/.test(text) ? text : undefined;
      },
      { ...WAIT, description: 'host stats with disk' },
    );
    expect(described).not.toContain('unknown free');
  });

  it('exports the audit with the refusals (actor, command) and the params of what ran', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'audit', '--since', '1h', '--json'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', STATE_DIR: stateDir } },
    );
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: INVOKER,
          action: 'invoke',
          outcome: 'refused',
          params: expect.objectContaining({ command: 'file.fetch' }),
        }),
        expect.objectContaining({ actor: ADMIN, action: 'pairing.approve', outcome: 'ok', targetName: 'dbd-host' }),
        expect.objectContaining({
          actor: ADMIN,
          action: 'invoke',
          params: expect.objectContaining({ command: 'file.stat', params: { path: host.home } }),
        }),
      ]),
    );
  });
});
