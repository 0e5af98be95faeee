import { describe, expect, it } from 'vitest';
import {
  type GatewaySessionInfo,
  renderPresence,
  renderPresenceOf,
} from '../../../src/commands/render/render-presence.js';
import { summarizeFleet } from '../../../src/fleet/fleet-summary.js';
import type { PresenceEntry } from '../../../src/gateway/schemas.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

const NOW = 1_795_960_000_000;
const entry = (e: Partial<PresenceEntry>): PresenceEntry => ({ roles: [], ...e });

const entries: PresenceEntry[] = [
  entry({ host: 'gw-host', version: '2026.9.6', platform: 'linux', mode: 'gateway', reason: 'self' }),
  entry({ host: 'probe1', mode: 'node', reason: 'connect', deviceId: 'd1', ts: 1 }),
  entry({ host: 'probe1', mode: 'node', reason: 'connect', deviceId: 'd1', ts: 2 }),
  entry({ host: 'gone', mode: 'node', reason: 'disconnect', deviceId: 'd2' }),
  entry({ host: 'alice-mac', mode: 'ui', reason: 'connect', deviceId: 'd3' }),
  entry({ host: 'left-ui', mode: 'ui', reason: 'disconnect', deviceId: 'd4' }),
];

const connected: GatewaySessionInfo = {
  state: 'connected',
  sinceMs: NOW - 60_000,
  connectedSinceMs: NOW - 3 * 60_000,
  serverVersion: '2026.9.6',
};

describe('renderPresence', () => {
  it('shows the gateway, nodes and operators online, and the bot session', () => {
    const message = renderPresence(entries, connected, NOW);
    expectSafeMessage(message);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*Gateway:* `gw-host` · version `2026.9.6` · linux');
    expect(all).toContain('*Nodes online (1):* `probe1`');
    expect(all).not.toContain('gone');
    expect(all).toContain('*Operators online (1):* `alice-mac (ui)`');
    expect(all).not.toContain('left-ui');
    expect(all).toMatch(/connected since <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> \(3 min ago\)/);
    expect(message.text).toBe(
      "OpenClaw presence: 1 node(s) and 1 operator(s) online; This bot's gateway session: connected since 3 min ago · server `2026.9.6`",
    );
  });

  it('shows a reconnecting session with its last error', () => {
    const session = { state: 'reconnecting', sinceMs: NOW - 45_000, lastError: 'ECONNREFUSED <!here>' };
    const message = renderPresence([], session, NOW);
    expectSafeMessage(message);
    expect(message.text).toContain('reconnecting since 45 s ago, last error: ECONNREFUSED &lt;!here&gt;');
    expect(JSON.stringify(message.blocks)).toContain('*Gateway:* not in the presence list');
  });

  it('falls back to the session server version when the gateway entry is missing', () => {
    const message = renderPresence([], connected, NOW);
    expect(JSON.stringify(message.blocks)).toContain('*Gateway:* unknown host · version `2026.9.6`');
  });

  it('stays valid and inert for hostile entries and thousands of nodes', () => {
    const hostile = HOSTILE.flatMap((text, i) => [
      entry({ host: text, mode: 'node', deviceId: `n${i}`, version: text }),
      entry({ host: text, mode: text, deviceId: `o${i}` }),
      entry({ host: text, mode: 'gateway', version: text, platform: text }),
    ]);
    const many = Array.from({ length: 5_000 }, (_, i) => entry({ host: `node-${i}`, mode: 'node', deviceId: `m${i}` }));
    const session = { state: HOSTILE[0] ?? '', sinceMs: NOW, lastError: HOSTILE[5], serverVersion: HOSTILE[3] };
    const message = renderPresence([...hostile, ...many], session, NOW);
    expectSafeMessage(message);
    expect(JSON.stringify(message.blocks)).toMatch(/and \d+ more/);
  });
});

describe('renderPresenceOf', () => {
  it('sums up each of many gateways within a message’s 50 blocks, hostile node names inert', () => {
    const fleet = (id: string) =>
      summarizeFleet({
        gateway: id,
        nodes: Array.from({ length: 2_000 }, (_, i) => ({
          nodeId: `n-${i}`,
          displayName: `${HOSTILE[i % HOSTILE.length]}`,
          caps: [],
          commands: [],
          approvalState: 'approved',
          connected: i % 2 === 0,
          lastSeenAtMs: NOW - i,
        })),
        openAlerts: [],
        pending: 3,
      });
    const gateways = Array.from({ length: 30 }, (_, i) => ({
      label: `gw-${i}`,
      entries: i % 3 === 0 ? undefined : entries,
      session: connected,
      fleet: fleet(`gw-${i}`),
    }));
    const message = renderPresenceOf(gateways, NOW);
    expectSafeMessage(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('2000 approved node(s): 1000 online, 1000 offline (');
    expect(all).toContain('… and 995 more');
    expect(all).toContain('3 pairing request(s) pending');
    expect(all).toContain('… and 20 more gateways');
  });
});
