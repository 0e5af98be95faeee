import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/test-database.js';
import { ADMIN, CHANNEL, type Harness, STRANGER, startHarness } from '../support/bot-harness.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INVOKER = 'U0INVOKER1';

/** Runs `main.ts audit …` as its own process, the way an operator (or a SIEM shipper) would. */
async function exportAudit(stateDir: string, ...args: string[]) {
  return exportWith({ STATE_DIR: stateDir }, ...args);
}

async function exportWith(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'audit', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);
}

async function ask(harness: Harness, text: string, user: string): Promise<string> {
  const handle = await harness.slack.command(text, { user_id: user, channel_id: CHANNEL });
  return JSON.stringify((await handle.nextResponse({ timeoutMs: 5_000 })).body);
}

describe('the audit export', () => {
  it('prints refusals with actor and command, and what ran with its params, as JSON lines or text', async () => {
    const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-export-'));
    h = await startHarness({ stateDir, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'exported', commands: ['ollama.models', 'desktop.stream'], approved: true });
    await ask(h, 'invoke exported desktop.stream {"fps":2}', INVOKER);
    await ask(h, 'invoke exported ollama.models {"all":true}', INVOKER);
    await h.stop();
    h = undefined;

    const json = await exportAudit(stateDir, '--since', '1h', '--json');
    expect(json.stderr).toBe('');
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toEqual([
      expect.objectContaining({
        actor: INVOKER,
        action: 'invoke',
        outcome: 'refused',
        params: { command: 'desktop.stream', params: { fps: 2 } },
      }),
      expect.objectContaining({
        actor: INVOKER,
        action: 'invoke',
        outcome: 'ok',
        targetName: 'exported',
        params: { command: 'ollama.models', params: { all: true } },
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      }),
    ]);
    const text = await exportAudit(stateDir);
    expect(text.stdout).toMatch(
      /U0INVOKER1 invoke \[default\] ref:exported refused params=\{"command":"desktop.stream"/,
    );
    expect(text.stdout).toMatch(/U0INVOKER1 invoke \[default\] node:\w+ "exported" ok params=/);
    const bad = await exportAudit(stateDir, '--since', 'yesterday');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--since needs a duration such as 30m, 24h/) });
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('shows admins the last entries with /openclaw audit, and refuses everyone else', async () => {
    h = await startHarness({ env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'box', commands: ['file.fetch'], approved: true });
    h.slack.allowInjection({ userIds: [ADMIN, STRANGER, INVOKER] });
    await ask(h, 'invoke box file.fetch {"path":"/etc/shadow"}', INVOKER);
    expect(await ask(h, 'audit', STRANGER)).toMatch(/Not allowed: audit needs an admin/);
    const shown = await ask(h, 'audit 5', ADMIN);
    expect(shown).toContain('Audit log: last 2');
    expect(shown).toContain('invoke ref:box');
    expect(shown).toContain('file.fetch');
    expect(shown).toContain('refused');
    expect(h.slack.violations).toEqual([]);
  });

  it('reads the shared database when DATABASE_URL is set (replicas), and says when it has no schema yet', async () => {
    const databaseUrl = await createTestDatabase('audit');
    const empty = await exportWith({ DATABASE_URL: databaseUrl });
    expect(empty.stderr).toMatch(/No audit log: postgres:\/\/postgres@127\.0\.0\.1:\d+\/audit_\w+ has no schema yet/);
    h = await startHarness({ env: { DATABASE_URL: databaseUrl, OPENCLAW_INVOKERS: INVOKER } });
    await ask(h, 'invoke nowhere system.run {"command":["id"]}', STRANGER);
    await h.stop();
    h = undefined;
    const out = await exportWith({ DATABASE_URL: databaseUrl }, '--json');
    const rows = out.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toContainEqual(expect.objectContaining({ actor: STRANGER, action: 'invoke', outcome: 'refused' }));
  });
});
