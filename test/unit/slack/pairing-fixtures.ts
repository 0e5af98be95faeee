/** Builders and hostile inputs for the Slack renderer tests, plus one assertion that Slack would accept a message. */
import { expect } from 'vitest';
import type { PairingRequest, RequestRecord } from '../../../src/pairing/types.js';
import type { RenderedMessage } from '../../../src/slack/blocks/block-kit.js';
import { countBlocksText, validateBlocks } from '../../fakes/fake-slack/block-kit-validator.js';
import { scanMessageForInjection } from '../../fakes/fake-slack/injection.js';

export const NOW_MS = Date.UTC(2026, 2, 14, 9, 30);
export const APPROVER = 'U012ABCDEF';

/** Text that tries every mrkdwn trick reference §7 lists. */
export const EVIL =
  '<!channel> <!here|x> <!everyone> <https://evil.example|click> <@U999EVIL> <!subteam^S123> @here @Channel &lt;!here&gt; &amp;lt; `x` ``` \u0007\u202Ebidi \uD800 🎉';

/** A node request with sensible defaults. */
export function makeRequest(overrides: Partial<PairingRequest> = {}): PairingRequest {
  return {
    kind: 'node',
    requestId: 'req-1',
    subjectId: 'node-7f3a9c1e2b4d5e6f',
    displayName: 'build-runner-01',
    platform: 'linux',
    version: '2026.9.1',
    clientId: 'openclaw-node',
    clientMode: 'node',
    deviceFamily: undefined,
    remoteIp: '10.0.0.12',
    caps: ['local-inference'],
    commands: ['ollama.models'],
    requiredApproveScopes: ['operator.pairing'],
    role: undefined,
    roles: [],
    scopes: [],
    isRepair: false,
    previouslyApproved: undefined,
    requestedAtMs: NOW_MS - 60_000,
    ...overrides,
  };
}

/** A device request with sensible defaults. */
export function makeDeviceRequest(overrides: Partial<PairingRequest> = {}): PairingRequest {
  return makeRequest({
    kind: 'device',
    subjectId: 'dev-0123456789abcdef',
    displayName: 'Alice laptop',
    platform: 'macos',
    clientId: 'openclaw-control-ui',
    clientMode: 'webchat',
    caps: [],
    commands: [],
    requiredApproveScopes: [],
    role: 'operator',
    roles: ['operator'],
    scopes: ['operator.read', 'operator.write'],
    ...overrides,
  });
}

/** A pending record around `request`. */
export function makeRecord(request: PairingRequest, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    gateway: 'default',
    kind: request.kind,
    requestId: request.requestId,
    request,
    fingerprint: '0123456789abcdef',
    postAttemptAtMs: undefined,
    status: 'pending',
    channel: 'C0PAIRING',
    ts: '1700000000.000100',
    resolvedBy: undefined,
    resolvedAtMs: undefined,
    lastFailure: undefined,
    version: 1,
    createdAtMs: NOW_MS - 60_000,
    updatedAtMs: NOW_MS,
    ...overrides,
  };
}

/** `count` hostile names of `length` chars each. */
export function hostileList(count: number, length: number): string[] {
  return Array.from({ length: count }, (_, i) => `${i}-${EVIL}`.padEnd(length, 'x').slice(0, length));
}

/** A node request where every untrusted field is huge and hostile. */
export function makeHostileRequest(overrides: Partial<PairingRequest> = {}): PairingRequest {
  return makeRequest({
    requestId: `r-${EVIL}`,
    subjectId: EVIL,
    displayName: EVIL.repeat(80),
    platform: EVIL.repeat(10),
    version: EVIL,
    clientId: EVIL.repeat(10),
    clientMode: EVIL,
    deviceFamily: EVIL,
    remoteIp: EVIL,
    caps: hostileList(500, 200),
    commands: ['system.run', ...hostileList(500, 200), 'fs.listDir'],
    requiredApproveScopes: ['operator.admin', ...hostileList(50, 200)],
    role: EVIL,
    roles: hostileList(500, 200),
    scopes: ['operator.admin', ...hostileList(500, 200)],
    ...overrides,
  });
}

const FORBIDDEN = ['<!channel', '<!here', '<!everyone', '<!subteam', '<http', '<#'];

/** Asserts Slack would accept the message and that nothing in it could notify, link or inject. */
export function expectSlackAccepts(message: RenderedMessage, allowedUserIds: readonly string[] = []): void {
  expect(validateBlocks(message.blocks, 'message')).toEqual([]);
  expect(countBlocksText(message.blocks)).toBeLessThanOrEqual(11_000);
  expect(message.text.length).toBeGreaterThan(0);
  expect(Array.from(message.text).length).toBeLessThanOrEqual(3000);
  const body = { text: message.text, blocks: message.blocks };
  expect(scanMessageForInjection(body, { userIds: allowedUserIds }, 'test')).toEqual([]);
  const json = JSON.stringify(body);
  for (const token of FORBIDDEN) expect(json).not.toContain(token);
  const mentions = [...json.matchAll(/<@([^>|]*)/g)].map((m) => m[1]);
  expect(mentions.filter((id) => !allowedUserIds.includes(id ?? ''))).toEqual([]);
  expect(json).not.toMatch(/@(here|channel|everyone)\b/i);
}
