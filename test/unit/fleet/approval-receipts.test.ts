import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ApprovalReceipts, RECEIPT_WAIT_MS } from '../../../src/fleet/approval-receipts.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import { makeRequest } from '../slack/pairing-fixtures.js';

const log = pino({ level: 'silent' });
const key = (requestId: string) => ({ gateway: 'default', kind: 'node' as const, requestId });

/** The receipts over a memory store, a clock and a fleet the test sets; one approved request per call of `approve`. */
function setup() {
  let now = 1_000_000;
  let nodes: NodeInfo[] | undefined = [];
  const storage = createMemoryStorage({ nowMs: () => now });
  let queued = 0;
  const receipts = new ApprovalReceipts({
    gatewayId: 'default',
    storage,
    nodes: () => nodes,
    isSensitive: (c) => c.startsWith('system.'),
    onQueued: () => {
      queued += 1;
    },
    log,
    checkEveryMs: 60_000,
    nowMs: () => now,
  });
  receipts.start(storage);
  const approve = async (id: string, commands: string[]) => {
    const request = makeRequest({ requestId: id, subjectId: `node-${id}`, displayName: id, commands });
    await storage.requests.insertPending('default', request, `fp-${id}`, now);
    await storage.requests.resolve(key(id), 'approved', { via: 'slack', userId: 'UA' }, now);
  };
  const check = async () => {
    receipts.schedule();
    await receipts.idle();
  };
  return {
    storage,
    approve,
    check,
    queued: () => queued,
    advance: (ms: number) => {
      now += ms;
    },
    setNodes: (n: NodeInfo[] | undefined) => {
      nodes = n;
    },
    stop: () => receipts.stop(),
  };
}

const node = (nodeId: string, commands: string[], connected = true): NodeInfo =>
  ({ nodeId, caps: [], commands, connected, connectedAtMs: 999_000 }) as NodeInfo;

describe('ApprovalReceipts', () => {
  it('says the approval is in effect once the node is connected with every approved command, once', async () => {
    const t = setup();
    await t.approve('a', ['ollama.models', 'system.run']);
    t.setNodes([node('node-a', ['ollama.models'])]);
    await t.check();
    expect(t.queued()).toBe(0);
    t.setNodes([node('node-a', ['ollama.models', 'system.run', 'system.which'])]);
    await t.check();
    await t.check();
    expect(t.queued()).toBe(1);
    expect((await t.storage.requests.get(key('a')))?.approval?.receipt).toMatchObject({
      how: 'connected',
      connectedAtMs: 999_000,
      commands: 3,
      active: ['system.run', 'system.which'],
    });
    expect((await t.storage.outbox.list(10)).map((q) => q.message)).toEqual([
      { kind: 'decision-reply', request: key('a'), receipt: true },
    ]);
    t.stop();
  });

  it('notes a node not seen in effect within 10 minutes, and says nothing about approvals older than its window', async () => {
    const t = setup();
    await t.approve('old', ['ollama.models']);
    t.advance(2 * 3_600_000);
    await t.approve('b', ['ollama.models']);
    t.setNodes([node('node-b', ['ollama.models'], false)]);
    t.advance(RECEIPT_WAIT_MS - 1);
    await t.check();
    expect(t.queued()).toBe(0);
    t.advance(1);
    await t.check();
    expect(t.queued()).toBe(1);
    expect((await t.storage.requests.get(key('b')))?.approval?.receipt?.how).toBe('late');
    expect((await t.storage.requests.get(key('old')))?.approval?.receipt).toBeUndefined();
    t.stop();
  });

  it('waits while the fleet model is not in step, and gives a revoked approval no receipt', async () => {
    const t = setup();
    await t.approve('c', ['ollama.models']);
    t.setNodes(undefined);
    await t.check();
    expect(t.queued()).toBe(0);
    await t.storage.requests.endApproval(key('c'), { how: 'revoked', userId: 'UB', atMs: 1 }, 1);
    t.setNodes([node('node-c', ['ollama.models'])]);
    t.advance(RECEIPT_WAIT_MS);
    await t.check();
    expect(t.queued()).toBe(0);
    t.stop();
  });
});

describe('ApprovalReceipts with a gateway that withholds commands', () => {
  it('gives the receipt once the gateway lists the node approved, naming the approved commands it does not list', async () => {
    const t = setup();
    await t.approve('d', ['ollama.models', 'system.run']);
    t.setNodes([node('node-d', ['ollama.models'])]);
    await t.check();
    expect(t.queued()).toBe(0);
    t.setNodes([{ ...node('node-d', ['ollama.models']), approvalState: 'approved' } as NodeInfo]);
    await t.check();
    expect((await t.storage.requests.get(key('d')))?.approval?.receipt).toMatchObject({
      how: 'connected',
      commands: 1,
      missing: ['system.run'],
    });
    t.stop();
  });
});
