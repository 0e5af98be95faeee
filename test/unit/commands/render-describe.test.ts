import { describe, expect, it } from 'vitest';
import { formatHostStats, renderDescribe } from '../../../src/commands/render/render-describe.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

const POLICY = new CommandPolicy({ ordinary: [], allowSystemRun: false });

const NOW = 1_795_960_000_000;
const GiB = 1024 ** 3;

const probe: NodeInfo = {
  nodeId: '0a7474f2c0ffee',
  displayName: 'probe1',
  platform: 'linux',
  deviceFamily: 'Linux',
  version: '2026.9.6',
  clientId: 'node-host',
  clientMode: 'node',
  caps: ['browser', 'system'],
  commands: ['system.which', 'ollama.models', 'system.run'],
  hostStats: {
    cpuCount: 4,
    loadAverage: [0.5, 0.41, 0.333],
    memoryTotalBytes: 8 * GiB,
    memoryFreeBytes: 3 * GiB,
    diskTotalBytes: 50 * GiB,
    diskAvailableBytes: 20 * GiB,
    updatedAtMs: NOW - 60_000,
  },
  pathEnv: '/usr/local/bin:/usr/bin',
  approvalState: 'approved',
  connected: true,
  connectedAtMs: NOW - 3 * 60_000,
  approvedAtMs: NOW - 86_400_000,
};

describe('renderDescribe', () => {
  it('shows identity, state, host stats, caps, commands and PATH', () => {
    const message = renderDescribe(probe, NOW, POLICY);
    expectSafeMessage(message);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*Node id*\\n`0a7474f2c0ffee`');
    expect(all).toContain(':large_green_circle: online');
    expect(all).toContain('*Connected since*\\n<!date^');
    expect(all).toContain('(3 min ago)');
    expect(all).toContain(
      '4 CPUs · load 0.5 0.41 0.33 · memory 3.0 GiB free of 8.0 GiB · disk 20.0 GiB free of 50.0 GiB',
    );
    expect(all).toContain('*Capabilities (2):* `browser`, `system`');
    expect(all).toContain('`system.which` :warning: admin, `ollama.models`, `system.run` :warning: admin');
    expect(all).toContain('```/usr/local/bin:/usr/bin```');
    expect(message.text).toBe('Node probe1 (online, approved): 3 command(s)');
  });

  it('shows last seen for an offline node and declared caps waiting for approval', () => {
    const pending: NodeInfo = {
      nodeId: 'abc',
      caps: [],
      commands: [],
      connected: false,
      lastSeenAtMs: NOW - 7_200_000,
      approvalState: 'pending-approval',
      pendingDeclaredCaps: ['system'],
      pendingDeclaredCommands: ['system.run'],
    };
    const message = renderDescribe(pending, NOW, POLICY);
    expectSafeMessage(message);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*Last seen*');
    expect(all).toContain('(2 h ago)');
    expect(all).toContain('*Waiting for approval:* capabilities `system`; commands `system.run` :warning: admin');
    expect(all).toContain('no host stats reported');
    expect(message.text).toBe('Node abc (offline, pending-approval): 0 command(s)');
  });

  it('stays valid and inert for hostile, huge nodes', () => {
    for (const text of HOSTILE) {
      const many = Array.from({ length: 2_000 }, (_, i) => `${text.slice(0, 50)}${i}`);
      const node: NodeInfo = {
        nodeId: text,
        displayName: text,
        platform: text,
        deviceFamily: text,
        version: text,
        clientId: text,
        clientMode: text,
        sessionHost: text,
        remoteIp: text,
        approvalState: text,
        pathEnv: text,
        caps: many,
        commands: many,
        pendingDeclaredCaps: many,
        pendingDeclaredCommands: many,
        hostStats: { cpuCount: Number.NaN, loadAverage: [Number.POSITIVE_INFINITY], memoryTotalBytes: -1 },
        connected: true,
        connectedAtMs: Number.NaN,
      };
      expectSafeMessage(renderDescribe(node, NOW, POLICY));
    }
  });
});

describe('formatHostStats', () => {
  it('reports only what is present', () => {
    expect(formatHostStats({}, NOW)).toBe('no host stats reported');
    expect(formatHostStats({ cpuCount: 2 }, NOW)).toBe('2 CPUs');
    expect(formatHostStats({ memoryTotalBytes: GiB }, NOW)).toBe('memory unknown free of 1.0 GiB');
  });
});
