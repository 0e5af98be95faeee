/** Shared helpers of the fault suite: waiting on conditions, reading cards, and the secrets-in-logs check. */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, vi } from 'vitest';
import type { StoredMessage } from '../../../fakes/fake-slack/types.js';
import { CHANNEL, type Harness, type HarnessOptions, SECRETS, startHarness } from '../../support/bot-harness.js';

export const ORDINARY = ['ollama.models'];
export const SECOND_APPROVER = 'U0SECOND01';

/** Waits on a condition with a deadline (never a sleep). */
export const until = <T>(fn: () => T | Promise<T>, timeout = 5_000): Promise<T> =>
  vi.waitFor(fn, { timeout, interval: 10 });

/** Top-level messages of the pairing channel. */
export const cards = (h: { slack: Harness['slack'] }): StoredMessage[] =>
  h.slack.messages(CHANNEL).filter((m) => !m.thread_ts);

export const json = (m: StoredMessage | undefined): string => JSON.stringify(m?.blocks ?? []);

/** Top-level messages whose blocks carry `requestId` (in a button value or the text). */
export const cardsFor = (h: { slack: Harness['slack'] }, requestId: string): StoredMessage[] =>
  cards(h).filter((m) => json(m).includes(requestId) || m.text.includes(requestId));

/** Waits for exactly one card naming `name` and returns it. */
export async function cardFor(h: { slack: Harness['slack'] }, name: string, timeout = 5_000): Promise<StoredMessage> {
  return until(() => {
    const found = cards(h).filter((m) => json(m).includes(name));
    if (found.length === 0) throw new Error(`no card for ${name}`);
    return found[0] as StoredMessage;
  }, timeout);
}

/** The harness the fault suite uses: a gateway that issues device tokens, and a relaxed per-channel post limit. */
export function startFaultHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({
    ...options,
    gateway: { issueDeviceToken: true, ...options.gateway },
    slack: { rateLimit: { perChannelPerSec: 1000, burst: 1000 }, ...options.slack },
    env: { OPENCLAW_APPROVERS: `U0APPROVER,${SECOND_APPROVER}`, ...options.env },
  });
}

/** Every secret the bot knows: configured tokens, the device private key (PEM body and raw seed) and the device token. */
export async function collectSecrets(stateDir: string): Promise<string[]> {
  const secrets: string[] = Object.values(SECRETS);
  const raw = await fs.readFile(path.join(stateDir, 'device.json'), 'utf8').catch(() => undefined);
  if (!raw) return secrets;
  const stored = JSON.parse(raw) as { privateKeyPem?: string; deviceToken?: string };
  if (stored.deviceToken) secrets.push(stored.deviceToken);
  if (stored.privateKeyPem) {
    const body = stored.privateKeyPem
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'))
      .join('');
    secrets.push(body);
    const der = crypto.createPrivateKey(stored.privateKeyPem).export({ format: 'der', type: 'pkcs8' });
    const seed = der.subarray(der.length - 32);
    secrets.push(seed.toString('base64'), seed.toString('base64url'), seed.toString('hex'));
  }
  return secrets;
}

/** Fails when any secret appears in the captured log text. */
export async function expectNoSecretsInLogs(h: { logs: { text: string }; stateDir: string }): Promise<void> {
  const secrets = await collectSecrets(h.stateDir);
  expect(secrets.length).toBeGreaterThanOrEqual(Object.values(SECRETS).length);
  const text = h.logs.text;
  expect(text.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text, 'a secret reached the logs').not.toContain(secret);
}

/**
 * Stops a harness after checking its logs for secrets (requirement 7 runs after every fault test).
 * The harness is stopped even when the check fails.
 */
export async function checkAndStop(
  h: { logs: { text: string }; stateDir: string; stop(): Promise<void> } | undefined,
): Promise<void> {
  if (!h) return;
  try {
    await expectNoSecretsInLogs(h);
  } finally {
    await h.stop();
  }
}
