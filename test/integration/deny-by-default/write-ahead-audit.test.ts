import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/audit/audit-entry.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, startHarness } from '../support/bot-harness.js';
import { cardFor, until, untilDefined } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INVOKER = 'U0INVOKER1';

/** Makes every new audit row fail, through a second connection to the bot's real state.db (disk full, say). */
function breakAuditWrites(harness: Harness): () => void {
  const db = new Database(path.join(harness.stateDir, 'state.db'));
  db.exec(
    `CREATE TRIGGER audit_broken BEFORE INSERT ON audit BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;`,
  );
  return () => {
    db.exec('DROP TRIGGER audit_broken');
    db.close();
  };
}

async function ask(harness: Harness, text: string, user: string): Promise<string> {
  const handle = await harness.slack.command(text, { user_id: user, channel_id: CHANNEL });
  return JSON.stringify((await handle.nextResponse({ timeoutMs: 5_000 })).body);
}

describe('write-ahead audit', () => {
  it('writes the intent row, with the full params, before the gateway runs the command', async () => {
    h = await startHarness({ env: { OPENCLAW_INVOKERS: INVOKER } });
    const harness = h;
    const node = harness.gateway.addNode({ displayName: 'audited', commands: ['ollama.models'], approved: true });
    let seenDuringCall: AuditEntry | undefined;
    harness.gateway.setInvokeHandler(async () => {
      seenDuringCall = (await harness.bot.storage.audit.list(1)).at(-1);
      return { models: [] };
    });
    await ask(harness, 'invoke audited ollama.models {"verbose":true} --timeout 9s', INVOKER);
    expect(seenDuringCall).toMatchObject({
      actor: INVOKER,
      action: 'invoke',
      outcome: 'intent',
      target: `node:${node.nodeId}`,
      targetName: 'audited',
      params: { command: 'ollama.models', params: { verbose: true }, timeoutMs: 9_000 },
    });
    const done = (await harness.bot.storage.audit.list(1)).at(-1);
    expect(done).toMatchObject({ id: seenDuringCall?.id, outcome: 'ok' });
    expect(done?.completedAtMs).toBeGreaterThan(0);
  });

  it('records the argv of system.run and both names of a rename', async () => {
    h = await startHarness({ env: { OPENCLAW_ALLOW_SYSTEM_RUN: 'true' } });
    h.gateway.addNode({ displayName: 'runner', commands: ['system.run'], approved: true });
    await ask(h, 'invoke runner system.run {"command":["rm","-rf","/tmp/x"]}', ADMIN);
    const prompt = await untilDefined(() => h?.slack.ephemerals({ user: ADMIN }).at(-1), 'the confirmation');
    await h.slack.action({ channel: CHANNEL, messageTs: prompt.ts, actionId: 'command.confirm', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.invoke')).toBe(1));
    await until(async () =>
      expect((await (h as Harness).bot.storage.audit.list(5)).find((a) => a.action === 'invoke')).toMatchObject({
        outcome: 'ok',
        params: { command: 'system.run', params: { command: ['rm', '-rf', '/tmp/x'] } },
      }),
    );
    await ask(h, 'rename runner runner-2', APPROVER);
    expect((await h.bot.storage.audit.list(1)).at(-1)).toMatchObject({
      action: 'rename',
      outcome: 'ok',
      params: { from: 'runner', to: 'runner-2' },
    });
  });

  it('refuses and calls nothing when the intent cannot be written', async () => {
    h = await startHarness({ env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'unaudited', commands: ['ollama.models'], approved: true });
    h.gateway.requestNodePairing({ displayName: 'waiting', commands: ['ollama.models'] });
    const card = await cardFor(h, 'waiting');
    const repair = breakAuditWrites(h);
    expect(await ask(h, 'invoke unaudited ollama.models', INVOKER)).toMatch(/audit log could not be written/);
    expect(await ask(h, 'rename unaudited pwned', APPROVER)).toMatch(/audit log could not be written/);
    const click = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(JSON.stringify((await click.nextResponse()).body)).toMatch(/audit log could not be written/);
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    expect(h.gateway.callCount('node.rename')).toBe(0);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    expect(await h.bot.storage.claims.list()).toEqual([]);
    expect(h.logs.text).toContain('could not write an audit intent; the action is refused');

    repair();
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
  });

  it('logs one info line per audited action, without params', async () => {
    h = await startHarness({ env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'quiet', commands: ['ollama.models'], approved: true });
    await ask(h, 'invoke quiet ollama.models {"secret":"hunter2"}', INVOKER);
    await ask(h, 'remove quiet', INVOKER);
    const lines = h.logs.lines.filter((l) => l.includes('"msg":"audit: '));
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'audit: invoke ok',
      'audit: remove refused',
    ]);
    expect(lines.every((l) => (JSON.parse(l) as { level: number }).level === 30)).toBe(true);
    expect(h.logs.text).not.toContain('hunter2');
  });
});
