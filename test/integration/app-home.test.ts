import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject, StoredMessage } from '../fakes/fake-slack/types.js';
import { buttonValue, cards, json, until, untilDefined } from './deny-by-default/support.js';
import { ADMIN, APPROVER, CHANNEL, firstGateway, type Harness, STRANGER, startHarness } from './support/bot-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const text = (view: JsonObject | undefined): string => JSON.stringify(view?.blocks ?? []);
const dm = (user: string) => `D${user.slice(1)}`;

/** Opens the Home tab as `user` and waits for the view published in answer (the `count`-th publish for them). */
async function openHome(harness: Harness, user: string, count = 1): Promise<JsonObject> {
  const handle = await harness.slack.openHome(user);
  expect(handle.acked).toBe(true);
  return untilDefined(() => {
    const published = harness.slack.calls('views.publish').filter((c) => c.args.user_id === user);
    return published.length >= count && published[count - 1]?.response?.ok === true
      ? harness.slack.home(user)
      : undefined;
  }, `Home view #${count} of ${user}`);
}

describe.each(['socket', 'http'] as const)('App Home (%s mode)', (mode) => {
  it('shows a decider their requests with the card’s controls; Approve there reaches the gateway, answers in Home and by DM, and updates the channel card', async () => {
    h = await startHarness({ mode });
    h.gateway.addNode({ displayName: 'desk-online', approved: true, connected: true });
    h.gateway.addNode({ displayName: 'desk-offline', approved: true, connected: false });
    h.gateway.requestNodePairing({ displayName: 'home-node', commands: ['ollama.models'] });
    const card = await untilDefined(() => cards(h as Harness).find((m) => json(m).includes('home-node')), 'card');

    const home = await openHome(h, ADMIN);
    expect(home.type).toBe('home');
    const shown = text(home);
    expect(shown).toContain('Waiting for your decision (1)');
    expect(shown).toContain('home-node');
    expect(shown).toContain('`ollama.models`'); // the whole surface, as on the card
    expect(shown).toContain('pairing.approve');
    expect(shown).toContain('1 online');
    expect(shown).toContain('1 offline');
    expect(shown).toContain('1 pending');
    expect(shown).toContain('`desk-offline` last seen');

    await h.slack.clickInView({ viewId: String(home.id), actionId: 'pairing.approve', userId: ADMIN });
    await until(() => expect(h?.gateway.callCount('node.pair.approve')).toBe(1));
    // Home again, with the outcome on top and nothing left to decide.
    const after = await untilDefined(() => {
      const view = h?.slack.home(ADMIN);
      return text(view).includes('Approved by') ? view : undefined;
    }, 'the Home view with the outcome');
    expect(text(after)).toContain(`Approved by <@${ADMIN}>`); // a mention, not escaped text
    expect(text(after)).toContain('nothing is waiting for your decision');
    expect(text(after)).not.toContain('pairing.approve');
    // The same note by DM (a Home tab has no response_url), and the channel card updated.
    // The refresh that follows the resolution (this Home was opened lately) keeps the note on top.
    await until(() =>
      expect(h?.slack.calls('views.publish').filter((c) => c.args.user_id === ADMIN).length).toBeGreaterThanOrEqual(3),
    );
    expect(text(h.slack.home(ADMIN))).toContain(`Approved by <@${ADMIN}>`);
    const direct = await untilDefined(() => h?.slack.messages(dm(ADMIN)).at(-1), 'the DM');
    expect(direct.text).toContain(`Approved by <@${ADMIN}>`);
    await until(() => expect(json(h?.slack.messages(CHANNEL).find((m) => m.ts === card.ts))).toContain('Approved by'));
    const rows = await h.bot.storage.audit.list(10);
    expect(rows.some((r) => r.actor === ADMIN && r.action === 'pairing.approve' && r.outcome === 'ok')).toBe(true);
    expect(h.slack.violations).toEqual([]);
    expect(h.slack.failures).toEqual([]);
  });

  it('shows someone who decides nothing the fleet only, and a forged Home click changes nothing', async () => {
    h = await startHarness({ mode });
    const requestId = h.gateway.requestNodePairing({ displayName: 'not-yours', commands: ['ollama.models'] });
    await untilDefined(() => cards(h as Harness).find((m) => json(m).includes('not-yours')), 'card');
    const home = await openHome(h, STRANGER);
    expect(text(home)).toContain('you are not one of the people who decide');
    expect(text(home)).not.toContain('pairing.approve');
    expect(text(home)).toContain('1 pending');

    // The admin's Home has the button; the stranger replays its click from their own Home.
    const admins = await openHome(h, ADMIN);
    const value = buttonValue({ blocks: admins.blocks } as StoredMessage, 'pairing.approve');
    expect(value).toContain(requestId);
    await h.slack.sendAction({
      type: 'block_actions',
      user: { id: STRANGER, team_id: 'T0TEAM0001' },
      team: { id: 'T0TEAM0001' },
      api_app_id: 'A0FAKEAPP',
      container: { type: 'view', view_id: String(home.id) },
      view: { ...home, type: 'home' },
      actions: [{ type: 'button', action_id: 'pairing.approve', block_id: 'x', value, action_ts: '1.2' }],
    });
    await until(() => expect(text(h?.slack.home(STRANGER))).toContain("You can't decide this request"));
    expect(h.gateway.callCount('node.pair.approve')).toBe(0);
  });

  it('shows an approver the ordinary requests and not the admin-only ones', async () => {
    h = await startHarness({ mode });
    h.gateway.requestNodePairing({ displayName: 'plain-node', commands: ['ollama.models'] });
    h.gateway.requestNodePairing({ displayName: 'shell-node', commands: ['system.run'] });
    await until(async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(2));
    const approver = text(await openHome(h, APPROVER));
    expect(approver).toContain('plain-node');
    expect(approver).not.toContain('shell-node');
    const admin = text(await openHome(h, ADMIN));
    expect(admin).toContain('plain-node');
    expect(admin).toContain('shell-node');
  });

  it('shows exec approvals to exec approvers only; Allow once in Home resolves it on the gateway', async () => {
    h = await startHarness({
      mode,
      env: { OPENCLAW_EXEC_APPROVALS: 'true' },
      prepareGateway: (g) => g.addNode({ nodeId: 'node-exec-1', displayName: 'build-box', commands: ['system.run'] }),
    });
    await firstGateway(h.bot).exec?.client.waitUntilConnected(10_000);
    const req = h.gateway.requestExecApproval({ nodeId: 'node-exec-1', argv: ['make', 'deploy'] });
    await until(async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(1));
    expect(text(await openHome(h, APPROVER))).not.toContain('make deploy'); // exec approvers default to the admins
    const home = await openHome(h, ADMIN);
    expect(text(home)).toContain('make deploy');
    await h.slack.clickInView({ viewId: String(home.id), actionId: 'exec.allow-once', userId: ADMIN });
    await until(() => expect(h?.gateway.execApproval(req.id)?.decision).toBe('allow-once'));
    await until(() => expect(text(h?.slack.home(ADMIN))).toContain('Allowed once by'));
  });

  it('publishes a recently opened Home again when a request appears and when one is decided elsewhere', async () => {
    h = await startHarness({ mode });
    expect(text(await openHome(h, ADMIN))).toContain('nothing is waiting for your decision');
    const requestId = h.gateway.requestNodePairing({ displayName: 'late-node', commands: ['ollama.models'] });
    await until(() => expect(text(h?.slack.home(ADMIN))).toContain('late-node'));
    h.gateway.resolveNodeRequestExternally(requestId, 'approved');
    await until(() => expect(text(h?.slack.home(ADMIN))).toContain('nothing is waiting for your decision'));
    // Nobody else opened Home: nobody else's was published.
    expect(new Set(h.slack.calls('views.publish').map((c) => c.args.user_id))).toEqual(new Set([ADMIN]));
  });

  it('publishes nothing for the Messages tab', async () => {
    h = await startHarness({ mode });
    const handle = await h.slack.openHome(ADMIN, { tab: 'messages' });
    expect(handle.acked).toBe(true);
    await h.slack.openHome(APPROVER); // a later event is answered, so the first one had its chance
    await untilDefined(() => h?.slack.home(APPROVER), 'the approver’s Home');
    expect(h.slack.calls('views.publish').filter((c) => c.args.user_id === ADMIN)).toEqual([]);
  });
});

describe('App Home at fleet scale', () => {
  it('stays a valid Home view within 100 blocks at 10,000 nodes and 150 pending requests', async () => {
    h = await startHarness({
      slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 } },
      prepareGateway: (gateway) => {
        // Waiting when the bot connects (it reads them with node.pair.list), filed before the fleet is added.
        for (let i = 0; i < 150; i += 1)
          gateway.requestNodePairing({ displayName: `wave-${i}`, commands: ['ollama.models'] });
        gateway.addNodes(
          Array.from({ length: 10_000 }, (_, i) => ({ displayName: `node-${i}`, connected: i % 10 !== 0 })),
        );
      },
    });
    await until(
      async () => expect(await (h as Harness).bot.storage.requests.listByStatus('pending')).toHaveLength(150),
      20_000,
    );
    const home = await openHome(h, ADMIN);
    const blocks = home.blocks as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    const shown = text(home);
    expect(shown).toContain('Waiting for your decision (150)');
    expect(shown).toMatch(/and \d+ more: `\/openclaw pending`/);
    expect(shown).toContain('9000 online');
    expect(shown).toContain('1000 offline');
    expect(shown).toContain('150 pending');
    expect(shown).toMatch(/Offline:\*.*… and 990 more/);
    // Every views.publish was accepted: the fake validates Block Kit, 100 blocks and 250 kB.
    expect(h.slack.calls('views.publish').every((c) => c.response?.ok === true)).toBe(true);
  }, 60_000);
});
