import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../fakes/fake-slack/types.js';
import {
  APPROVER,
  CHANNEL,
  firstGateway,
  type Harness,
  SCOPES_WITH_HISTORY,
  startHarness,
} from './support/bot-harness.js';

/**
 * test/fixtures/state-v1 is a STATE_DIR written by the landed release before "one architecture" (commit d2142db),
 * with the Slack messages and gateway requests of that run (context.json): a pending card, a decided card with its
 * thread reply, a decision whose reply was still queued, and audit rows.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/state-v1', import.meta.url));

interface Context {
  pendingId: string;
  decidedId: string;
  unrepliedId: string;
  deviceId: string;
  gatewayRequests: { requestId: string; nodeId: string; displayName: string; commands: string[] }[];
  messages: StoredMessage[];
}

let h: Harness | undefined;
let stateDir: string | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

describe('upgrade in place from the previous release', () => {
  it('keeps the device, posts no card twice, keeps pending cards decidable, delivers the queued reply and keeps the audit', async () => {
    const context = JSON.parse(await fs.readFile(path.join(FIXTURE, 'context.json'), 'utf8')) as Context;
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocso-upgrade-'));
    for (const file of await fs.readdir(FIXTURE)) {
      if (file !== 'context.json') await fs.copyFile(path.join(FIXTURE, file), path.join(stateDir, file));
    }
    h = await startHarness({
      stateDir,
      slack: { scopes: SCOPES_WITH_HISTORY, rateLimit: { perChannelPerSec: 1000, burst: 1000 } },
      prepareGateway: (gateway) => {
        for (const r of context.gatewayRequests) {
          gateway.requestNodePairing({
            requestId: r.requestId,
            nodeId: r.nodeId,
            displayName: r.displayName,
            commands: r.commands,
          });
        }
      },
      prepareSlack: (slack) => slack.restoreMessages(context.messages),
    });
    const harness = h;
    // The same device identity: a remote gateway would not ask to approve the bot again.
    const device = JSON.parse(await fs.readFile(path.join(stateDir, 'device.json'), 'utf8')) as { deviceId: string };
    expect(device.deviceId).toBe(context.deviceId);

    const pendingCard = context.messages.find(
      (m) => m.metadata && JSON.stringify(m.metadata).includes(context.pendingId),
    );
    const unrepliedCard = context.messages.find(
      (m) => m.metadata && JSON.stringify(m.metadata).includes(context.unrepliedId),
    );
    // The queued reply of the last release is delivered once, under its card.
    await expect
      .poll(() => harness.slack.threadReplies(CHANNEL, unrepliedCard?.ts ?? '').length, { timeout: 5_000 })
      .toBe(1);
    // The pending card is re-rendered in place (new buttons under this install's key), not posted again.
    await expect
      .poll(() => (harness.slack.messages(CHANNEL).find((m) => m.ts === pendingCard?.ts)?.edits ?? 0) > 0, {
        timeout: 5_000,
      })
      .toBe(true);
    await expect.poll(async () => harness.bot.delivery.isIdle(), { timeout: 5_000 }).toBe(true);
    expect(harness.slack.messages(CHANNEL)).toHaveLength(3);
    expect(harness.slack.calls('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toEqual([]);

    // An old button (unkeyed fingerprint, no gateway id) decides nothing; the re-rendered card's button does.
    const updated = harness.slack.messages(CHANNEL).find((m) => m.ts === pendingCard?.ts);
    const approve = (updated?.blocks ?? [])
      .flatMap((b) => (Array.isArray(b.elements) ? (b.elements as { action_id?: string; value?: string }[]) : []))
      .find((e) => e.action_id === 'pairing.approve');
    expect(JSON.parse(approve?.value ?? '{}')).toMatchObject({ g: 'default', k: 'node', r: context.pendingId });
    await harness.slack.action({
      channel: CHANNEL,
      messageTs: pendingCard?.ts ?? '',
      actionId: 'pairing.approve',
      userId: APPROVER,
    });
    await expect.poll(() => harness.gateway.callCount('node.pair.approve'), { timeout: 5_000 }).toBe(1);
    expect(harness.gateway.pendingNodeRequests().map((r) => r.requestId)).not.toContain(context.pendingId);

    // The audit of the last release is kept, with this run's rows after it.
    const audit = await harness.bot.storage.audit.list(100);
    expect(audit.slice(0, 3).map((a) => [a.action, a.outcome, a.gateway])).toEqual([
      ['pairing.approve', 'ok', 'default'],
      ['pairing.reject', 'ok', 'default'],
      ['remove', 'refused', 'default'],
    ]);
    expect(audit.at(-1)).toMatchObject({ action: 'pairing.approve', outcome: 'ok', requestId: context.pendingId });
    expect((await firstGateway(harness.bot).client.getStatus()).state).toBe('connected');
    expect(harness.slack.violations).toEqual([]);
  });
});
