import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, CHANNEL, type Harness, startHarness, TEAM } from '../support/bot-harness.js';
import { cardFor, cards, json, until } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INVOKER = 'U0INVOKER1';
const ENTERPRISE = 'E0ORG00001';

describe('node-chosen strings', () => {
  it('renders a display name with line breaks on one line, on cards and in digests', async () => {
    h = await startHarness({ slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } } });
    const fake = 'innocent\n✅ Approved by the security team\r\n*Commands* (0): none\u2028';
    h.gateway.requestNodePairing({ displayName: fake, commands: ['system.run'] });
    const card = await cardFor(h, 'innocent');
    const summary = (card.blocks ?? []).find((b) => String(b.block_id).startsWith('summary'));
    expect(JSON.stringify(summary)).toContain('*innocent ✅ Approved by the security team *Commands* (0): none* (');
    expect(JSON.stringify(card.blocks)).not.toMatch(/innocent\\n/);
    for (let i = 0; i < 5; i += 1) h.gateway.requestNodePairing({ displayName: `${fake}-${i}`, commands: ['x.y'] });
    const digest = await until(() => {
      const found = cards(h as Harness).find((m) => json(m).includes('Pairing requests'));
      if (!found) throw new Error('no digest');
      return found;
    }, 10_000);
    expect(json(digest)).not.toMatch(/innocent\\n/);
  });
});

describe('logs at LOG_LEVEL=debug', () => {
  it('carry no slash text, params, response_url or tokens, in either transport', async () => {
    for (const mode of ['socket', 'http'] as const) {
      h = await startHarness({ mode, env: { OPENCLAW_INVOKERS: INVOKER, LOG_LEVEL: 'debug' } });
      h.gateway.addNode({ displayName: 'loggy', commands: ['ollama.models'], approved: true });
      const handle = await h.slack.command('invoke loggy ollama.models {"password":"s3cr3t-param"}', {
        user_id: INVOKER,
        channel_id: CHANNEL,
      });
      await handle.nextResponse();
      await until(() => expect(h?.gateway.callCount('node.invoke')).toBe(1));
      const text = h.logs.text;
      expect(text).not.toContain('s3cr3t-param');
      expect(text).not.toContain('invoke loggy');
      expect(text).not.toContain(handle.responseUrl);
      expect(text).not.toContain('hooks');
      expect(text).not.toContain('fake-deprecated-verification-token');
      expect(h.logs.lines.some((l) => l.includes('"level":20'))).toBe(true); // debug lines are there, just not these
      await h.stop();
      h = undefined;
    }
  });
});

describe('STATE_DIR', () => {
  it('is 0700 and state.db, its -wal and -shm and the keys are 0600, whatever the umask', async () => {
    const old = process.umask(0o022);
    try {
      h = await startHarness();
      h.gateway.requestNodePairing({ displayName: 'perm', commands: ['ollama.models'] });
      await cardFor(h, 'perm');
      const mode = async (name: string) => (await fs.stat(path.join(h?.stateDir ?? '', name))).mode & 0o777;
      expect((await fs.stat(h.stateDir)).mode & 0o777).toBe(0o700);
      for (const file of ['state.db', 'state.db-wal', 'state.db-shm', 'device.json', 'fingerprint.key']) {
        expect([file, await mode(file)]).toEqual([file, 0o600]);
      }
    } finally {
      process.umask(old);
    }
  });
});

describe('the workspace guard on Enterprise Grid', () => {
  it('refuses another workspace of the same organisation and a user from it, and accepts its own', async () => {
    h = await startHarness({ mode: 'http', slack: { enterpriseId: ENTERPRISE } });
    const harness = h;
    harness.gateway.addNode({ displayName: 'grid-node', commands: ['ollama.models'], approved: true });
    const target = { url: harness.eventsUrl };
    // Bolt answers an unacknowledged request only after its 3 s timeout, so both run side by side.
    const [sibling, click] = await Promise.all([
      harness.slack.sendCommand(
        { text: 'remove grid-node', user_id: ADMIN, channel_id: CHANNEL, team_id: 'T0SIBLING1' },
        target,
      ),
      harness.slack.sendAction(
        {
          type: 'block_actions',
          user: { id: ADMIN, team_id: 'T0SIBLING1' },
          team: { id: TEAM, enterprise_id: ENTERPRISE },
          enterprise: { id: ENTERPRISE },
          container: { type: 'message', message_ts: '1.1', channel_id: CHANNEL },
          channel: { id: CHANNEL },
          actions: [{ type: 'button', action_id: 'pairing.approve', block_id: 'b', value: '{}', action_ts: '1.1' }],
        },
        target,
      ),
    ]);
    expect(sibling.responses()).toEqual([]);
    expect(click.responses()).toEqual([]);
    expect(harness.logs.text).toContain('refused a Slack request from another workspace');
    expect(await harness.bot.storage.audit.list(10)).toEqual([]);
    const own = await harness.slack.sendCommand({ text: 'nodes', user_id: ADMIN, channel_id: CHANNEL }, target);
    expect(JSON.stringify((await own.nextResponse()).body)).toContain('grid-node');
  });
});
