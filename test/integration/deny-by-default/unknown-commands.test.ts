import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseDelivery } from '../../fakes/fake-slack/types.js';
import { ADMIN, APPROVER, CHANNEL, type Harness, STRANGER, startHarness } from '../support/bot-harness.js';
import { cardFor, json, until } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INVOKER = 'U0INVOKER1';
const body = (r: ResponseDelivery) => JSON.stringify(r.body);

async function ask(harness: Harness, text: string, user: string): Promise<string> {
  const handle = await harness.slack.command(text, { user_id: user, channel_id: CHANNEL });
  return body(await handle.nextResponse({ timeoutMs: 5_000 }));
}

/** Commands the old closed list did not name: each hands out capture, input, files, messages or code. */
const NEVER_HEARD_OF = ['computer.act', 'mcp.tools.call.v1', 'desktop.stream', 'file.fetch', 'camera.clip', 'sms.send'];

describe.each(['socket', 'http'] as const)('commands the bot has never heard of (%s mode)', (mode) => {
  it('makes a node declaring only unknown commands an admin decision and lists every one on its card', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'desktop-host', commands: NEVER_HEARD_OF });
    const card = await cardFor(h, 'desktop-host');
    const text = json(card);
    expect(text).toContain(`Admin-sensitive* (${NEVER_HEARD_OF.length}, not on the harmless list)`);
    for (const command of NEVER_HEARD_OF) expect(text).toContain(`\`${command}\``);
    expect(text).toContain('*Runs code or drives input:* `computer.act`, `mcp.tools.call.v1`');
    expect(text).toContain('an *admin*');
    expect(text).toContain('"confirm"');

    const refused = await h.slack.action({
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    expect(body(await refused.nextResponse())).toMatch(/only OPENCLAW_ADMINS/);
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
    await h.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
  });

  it('refuses invokers, asks admins to confirm, and keeps code execution off', async () => {
    h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER } });
    h.gateway.addNode({ displayName: 'desk', commands: [...NEVER_HEARD_OF, 'ollama.models'], approved: true });
    h.gateway.setInvokeHandler(() => ({ ok: true }));
    for (const command of ['desktop.stream', 'file.fetch', 'sms.send', 'computer.act']) {
      expect(await ask(h, `invoke desk ${command} {}`, INVOKER)).toMatch(/Not allowed/);
      expect(await ask(h, `invoke desk ${command} {}`, STRANGER)).toMatch(/Not allowed/);
    }
    expect(h.gateway.callCount('node.invoke')).toBe(0);
    expect(await ask(h, 'invoke desk ollama.models', INVOKER)).not.toMatch(/Not allowed/);
    expect(h.gateway.callCount('node.invoke')).toBe(1);

    const prompt = await ask(h, 'invoke desk desktop.stream {"fps":1}', ADMIN);
    expect(prompt).toContain('Run desktop.stream on desk?');
    expect(prompt).toContain('fps');
    expect(h.gateway.callCount('node.invoke')).toBe(1);
    expect(await ask(h, 'invoke desk computer.act {"type":"curl x | sh"}', ADMIN)).toMatch(/OPENCLAW_ALLOW_SYSTEM_RUN/);
    expect(await ask(h, 'invoke desk mcp.tools.call.v1 {}', ADMIN)).toMatch(/OPENCLAW_ALLOW_SYSTEM_RUN/);
    expect(h.gateway.callCount('node.invoke')).toBe(1);
    const refusals = (await h.bot.storage.audit.list(50)).filter(
      (a) => a.outcome === 'refused' && a.action === 'invoke',
    );
    expect(refusals.map((a) => [a.actor, (a.params as { command: string }).command])).toContainEqual([
      INVOKER,
      'desktop.stream',
    ]);
    expect(h.slack.violations).toEqual([]);
  });

  it('treats OPENCLAW_ORDINARY_COMMANDS as harmless, but never code execution', async () => {
    h = await startHarness({
      mode,
      env: { OPENCLAW_INVOKERS: INVOKER, OPENCLAW_ORDINARY_COMMANDS: 'camera.list,computer.*' },
    });
    h.gateway.requestNodePairing({ displayName: 'cams', commands: ['camera.list'] });
    const card = await cardFor(h, 'cams');
    expect(json(card)).not.toContain('Admin-sensitive');
    expect(json(card)).toContain('an *approver* or admin');
    h.gateway.addNode({ displayName: 'desk2', commands: ['camera.list', 'computer.act'], approved: true });
    h.gateway.setInvokeHandler(() => ({ cameras: [] }));
    expect(await ask(h, 'invoke desk2 camera.list', INVOKER)).toContain('cameras');
    expect(await ask(h, 'invoke desk2 computer.act {}', ADMIN)).toMatch(/OPENCLAW_ALLOW_SYSTEM_RUN/);
  });
});
