import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVER, CHANNEL, firstGateway, type Harness, SECRETS, STRANGER } from '../support/bot-harness.js';
import {
  cardFor,
  checkAndStop,
  collectSecrets,
  expectNoSecretsInLogs,
  ORDINARY,
  startFaultHarness,
  until,
} from './support/fault-kit.js';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

// Every fault test runs `checkAndStop` after it; these make sure that check sees every secret and can fail.
describe('secrets in logs', () => {
  it('knows the device private key and the device token the gateway issued', async () => {
    h = await startFaultHarness();
    const stored = JSON.parse(await fs.readFile(path.join(h.stateDir, 'device.json'), 'utf8')) as {
      privateKeyPem: string;
      deviceToken?: string;
    };
    expect(stored.deviceToken).toMatch(/.{20,}/);
    const secrets = await collectSecrets(h.stateDir);
    expect(secrets).toEqual(expect.arrayContaining([...Object.values(SECRETS), stored.deviceToken]));
    expect(secrets.some((s) => stored.privateKeyPem.replace(/\s/g, '').includes(s) && s.length >= 40)).toBe(true);
  });

  it('fails the check when any secret is logged', async () => {
    h = await startFaultHarness();
    const harness = h;
    for (const secret of await collectSecrets(harness.stateDir)) {
      harness.logs.lines.push(JSON.stringify({ msg: 'oops', value: secret }));
      await expect(expectNoSecretsInLogs(harness)).rejects.toThrow(/secret/);
      harness.logs.lines.pop();
    }
    await expectNoSecretsInLogs(harness);
  });

  it('keeps secrets out of the logs through auth refusals, Slack errors and failed deliveries', async () => {
    h = await startFaultHarness();
    const harness = h;
    // The shared token is refused once: the bot retries with its stored device token.
    harness.gateway.refuseAuth(1);
    const handshakes = harness.gateway.hellos.length;
    harness.gateway.dropConnections();
    await until(() => expect(harness.gateway.hellos.length).toBeGreaterThan(handshakes), 10_000);
    await until(() => expect(firstGateway(harness.bot).client.isConnected).toBe(true), 10_000);
    harness.slack.failNext('chat.postMessage', { status: 500 });
    harness.slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });
    harness.slack.dropNext('response_url');
    harness.gateway.requestNodePairing({ displayName: 'log-probe', commands: ORDINARY });
    const card = await cardFor(harness, 'log-probe', 8_000);
    await harness.slack.action({ channel: CHANNEL, messageTs: card.ts, actionId: 'pairing.approve', userId: APPROVER });
    const answer = await harness.slack.command('presence', { user_id: STRANGER, channel_id: CHANNEL });
    await answer.nextResponse({ timeoutMs: 8_000 });
    await until(() => expect(harness.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1), 8_000);
    expect(harness.logs.text).toMatch(/AUTH_TOKEN_MISMATCH|rejected the shared token/);
    expect(harness.logs.text).toMatch(/Slack delivery failed/);
    await expectNoSecretsInLogs(harness);
  });
});
