import { describe, expect, it } from 'vitest';
import { summarizeFleet } from '../../../src/fleet/fleet-summary.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import { type HomeGateway, renderHome } from '../../../src/slack/blocks/home-view.js';
import type { CardContext } from '../../../src/slack/blocks/pairing-card.js';
import type { NodeAlertRecord } from '../../../src/storage/ports.js';
import { MAX_VIEW_BYTES, validateHomeView } from '../../fakes/fake-slack/block-kit-view.js';
import { scanMessageForInjection } from '../../fakes/fake-slack/injection.js';
import { EVIL, makeHostileRequest, makeRecord, makeRequest, NOW_MS } from './pairing-fixtures.js';

const POLICY = new CommandPolicy({ ordinary: [], allowSystemRun: false });
const CTX: CardContext = { nowMs: NOW_MS, deciders: { approvers: 1, admins: 1 }, policy: POLICY };

function nodes(count: number, name: (i: number) => string): NodeInfo[] {
  return Array.from({ length: count }, (_, i) => ({
    nodeId: `n-${i}`,
    displayName: name(i),
    caps: [],
    commands: [],
    approvalState: 'approved',
    connected: i % 4 !== 0,
    lastSeenAtMs: NOW_MS - i * 1000,
  }));
}

function diskAlert(gateway: string, count: number): NodeAlertRecord {
  return {
    gateway,
    key: `disk:${count}`,
    kind: 'disk',
    channel: 'C0',
    nodes: Array.from({ length: count }, (_, i) => ({ nodeId: `n-${i}`, name: EVIL, sinceMs: NOW_MS })),
    recovered: [],
    detail: `2% free ${EVIL}`,
    openedAtMs: NOW_MS,
    closedAtMs: undefined,
    ts: undefined,
  };
}

function gateway(id: string, count: number, name = (i: number) => `node-${i}`): HomeGateway {
  return {
    label: id,
    session: 'connected',
    summary: summarizeFleet({ gateway: id, nodes: nodes(count, name), openAlerts: [diskAlert(id, 30)], pending: 7 }),
  };
}

/** Slack accepts it as a Home tab, and nothing in it notifies, links or injects. */
function expectValidHome(view: ReturnType<typeof renderHome>): void {
  expect(validateHomeView(view)).toEqual([]);
  expect(JSON.stringify(view).length).toBeLessThanOrEqual(MAX_VIEW_BYTES);
  expect(scanMessageForInjection({ blocks: view.blocks }, {}, 'test')).toEqual([]);
}

describe('renderHome', () => {
  it('stays within 100 blocks and 250 kB with 300 hostile requests, 25 gateways and 10,000 hostile node names each', () => {
    const decidable = Array.from({ length: 300 }, (_, i) =>
      makeRecord(makeHostileRequest({ requestId: `r-${i}`, subjectId: `s-${i}` }), { updatedAtMs: NOW_MS + i }),
    );
    const gateways = Array.from({ length: 25 }, (_, g) => gateway(`gw-${g}`, 10_000, (i) => `${i} ${EVIL}`));
    const view = renderHome({ decidable, decider: true, gateways, note: 'You approved it.', ctx: CTX });
    expectValidHome(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Waiting for your decision (300)');
    expect(text).toMatch(/and \d+ more: `\/openclaw pending`/);
    expect(text).toContain('and 15 more gateways');
    expect(text).toContain('7500 online');
    expect(text).toContain('2500 offline');
    expect(text).toContain('… and 2490 more');
    expect(text).toContain('30 low on disk');
  });

  it('shows the first requests as whole cards with their decision buttons, then one line each with Review', () => {
    const decidable = Array.from({ length: 8 }, (_, i) =>
      makeRecord(makeRequest({ requestId: `r-${i}`, subjectId: `s-${i}`, displayName: `node-${i}` })),
    );
    const view = renderHome({ decidable, decider: true, gateways: [gateway('gw', 3)], ctx: CTX });
    expectValidHome(view);
    const approves = JSON.stringify(view.blocks).match(/"action_id":"pairing\.approve"/g) ?? [];
    const reviews = JSON.stringify(view.blocks).match(/"action_id":"pairing\.review"/g) ?? [];
    expect(approves).toHaveLength(3);
    expect(reviews).toHaveLength(5);
    // Block ids stay unique although every card uses the same names.
    const ids = view.blocks.map((b) => b.block_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('tells someone who decides nothing so, and still shows the fleet', () => {
    const view = renderHome({ decidable: [], decider: false, gateways: [gateway('gw', 3)], ctx: CTX });
    expectValidHome(view);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('you are not one of the people who decide');
    expect(text).toContain('2 online');
    expect(text).not.toContain('pairing.approve');
  });

  it('says when a gateway’s node list is not known yet and when the bot’s session is down', () => {
    const unknown: HomeGateway = {
      label: undefined,
      session: 'reconnecting',
      summary: summarizeFleet({ gateway: 'default', nodes: undefined, openAlerts: [], pending: 0 }),
    };
    const view = renderHome({ decidable: [], decider: true, gateways: [unknown], ctx: CTX });
    expectValidHome(view);
    expect(JSON.stringify(view.blocks)).toContain('node list not known yet · ⚠️ bot session reconnecting');
  });
});
