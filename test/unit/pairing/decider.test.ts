import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../../../src/errors.js';
import { DomainEvents } from '../../../src/events/domain-events.js';
import type { NodePairList, NodePairRequest } from '../../../src/gateway/schemas.js';
import { PairingDecider } from '../../../src/pairing/decider.js';
import { createFingerprinter } from '../../../src/pairing/fingerprint.js';
import { PairingWatcher } from '../../../src/pairing/pairing-watcher.js';
import type { PairingGateway } from '../../../src/pairing/ports.js';
import { toNodeRequest } from '../../../src/pairing/to-request.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import { createMemoryStorage } from '../../../src/storage/memory/memory-storage.js';
import type { Storage } from '../../../src/storage/ports.js';

const fingerprintRequest = createFingerprinter(Buffer.alloc(32, 7));
const policy = new CommandPolicy({ ordinary: [], allowSystemRun: false });
const silent = pino({ level: 'silent' });

const raw = (commands: string[]): NodePairRequest => ({
  requestId: 'req-1',
  nodeId: 'node-1',
  caps: [],
  commands,
  requiredApproveScopes: ['operator.pairing', 'operator.write'],
  displayName: 'n1',
});

/** A gateway whose pending list the test controls and whose calls it counts. */
function stubGateway(pending: NodePairRequest[]) {
  const calls: string[] = [];
  let failWith: Error | undefined;
  const paired: NodePairList['paired'] = [];
  const list = async (): Promise<NodePairList> => ({ pending, paired });
  const gateway: PairingGateway = {
    pairList: list,
    devicePairList: async () => ({ pending: [], paired: [] }),
    pairApprove: async (id) => {
      calls.push(`approve:${id}`);
      if (failWith) throw failWith;
      return {};
    },
    pairReject: async (id) => {
      calls.push(`reject:${id}`);
      return {};
    },
    devicePairApprove: async () => ({}),
    devicePairReject: async () => ({}),
  };
  /** The gateway applies an approval (the request leaves the pending list, the node is paired). */
  const applyApproval = (request: NodePairRequest, approvedAtMs: number) => {
    pending.splice(pending.indexOf(request), 1);
    paired.push({ nodeId: request.nodeId, caps: request.caps, commands: request.commands, approvedAtMs });
  };
  const removePending = (request: NodePairRequest) => pending.splice(pending.indexOf(request), 1);
  return { gateway, calls, failNext: (err: Error | undefined) => (failWith = err), applyApproval, removePending };
}

const KEY = { gateway: 'default', kind: 'node', requestId: 'req-1' } as const;

/** The parts every decider of these tests shares. */
function parts(storage: Storage) {
  return {
    gatewayId: 'default',
    storage,
    audit: new AuditLog(storage.audit, silent),
    domain: new DomainEvents(silent),
    fingerprint: fingerprintRequest,
    log: silent,
  };
}

async function setup(shown: string[], current: NodePairRequest[], nowMs: () => number = Date.now) {
  const storage = createMemoryStorage();
  const request = toNodeRequest(raw(shown), undefined, 1);
  const fingerprint = fingerprintRequest(request);
  await storage.requests.insertPending('default', request, fingerprint, 1);
  const stub = stubGateway(current);
  const decider = new PairingDecider({
    ...parts(storage),
    gateway: stub.gateway,
    policy,
    requestReconcile: () => {},
    access: { approvers: ['U1'], admins: ['UADMIN'] },
    isMember: async (user, list) => list.includes(user),
    nowMs,
  });
  /** `userId` clicks Approve on the card for req-1 (showing `shown`, unless another fingerprint is given). */
  const approve = (userId: string, shownFingerprint = fingerprint) =>
    decider.decide({ ...KEY, fingerprint: shownFingerprint, userId, decision: 'approve' });
  const record = () => storage.requests.get(KEY);
  const claims = () => storage.claims.list();
  /** A claim left by a crash (or a lost answer). */
  const leaveClaim = (claimedAtMs: number) =>
    storage.claims.claim({ ...KEY, decision: 'approve', userId: 'U1', fingerprint, claimedAtMs });
  return { storage, decider, fingerprint, approve, record, claims, leaveClaim, ...stub };
}

describe('PairingDecider', () => {
  it('approves the request that was shown, once', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    expect((await t.approve('U1')).outcome).toBe('decided');
    expect((await t.approve('U1')).outcome).toBe('already');
    expect(t.calls).toEqual(['approve:req-1']);
    expect((await t.record())?.resolvedBy).toEqual({ via: 'slack', userId: 'U1' });
  });

  it('refuses to approve when the gateway now shows a wider surface than the card', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models', 'system.run'])]);
    const result = await t.approve('UADMIN');
    expect(result.outcome).toBe('changed');
    expect(t.calls).toEqual([]);
    expect((await t.record())?.request.commands).toContain('system.run');
    expect(await t.claims()).toEqual([]);
  });

  it('refuses a stale fingerprint from an old card', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    const result = await t.approve('U1', 'v1-stale');
    expect(result.outcome).toBe('changed');
    expect(t.calls).toEqual([]);
  });

  it('releases the claim and keeps the request pending when the gateway refuses', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    t.failNext(
      new GatewayRequestError('node.pair.approve', {
        code: 'FORBIDDEN',
        message: 'missing scope: operator.write',
        details: { code: 'MISSING_SCOPE', missingScope: 'operator.write', requiredScopes: ['operator.write'] },
      }),
    );
    const result = await t.approve('U1');
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result.outcome === 'failed' && result.failure).toEqual({
      code: 'missing-scope',
      missingScope: 'operator.write',
      requiredScopes: ['operator.write'],
    });
    expect(await t.record()).toMatchObject({ status: 'pending', lastFailure: { code: 'missing-scope' } });
    expect(await t.claims()).toEqual([]);
  });

  it('finishes a claim left by a crash exactly once', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    await t.leaveClaim(Date.now());
    await t.decider.resumeClaims();
    await t.decider.resumeClaims();
    expect(t.calls).toEqual(['approve:req-1']);
    expect((await t.record())?.status).toBe('approved');
  });

  it('refuses an approver on an admin-sensitive request and audits it', async () => {
    const t = await setup(['system.run'], [raw(['system.run'])]);
    const result = await t.approve('U1');
    expect(result.outcome).toBe('refused');
    expect(t.calls).toEqual([]);
    expect((await t.storage.audit.list(1))[0]).toMatchObject({ actor: 'U1', outcome: 'refused' });
  });

  it('keeps the claim when the outcome is unknown and credits the clicker once the gateway shows it applied', async () => {
    const request = raw(['ollama.models']);
    const t = await setup(['ollama.models'], [request]);
    t.failNext(new GatewayTimeoutError('node.pair.approve', 30_000, true));
    const first = await t.approve('U1');
    expect(first.outcome).toBe('failed');
    expect(await t.claims()).toHaveLength(1);
    expect((await t.approve('UADMIN')).outcome).toBe('already');

    // The approval did land on the gateway after all.
    t.applyApproval(request, Date.now());
    t.failNext(undefined);
    await t.decider.resumeClaims();
    expect(t.calls).toEqual(['approve:req-1']);
    expect(await t.record()).toMatchObject({
      status: 'approved',
      resolvedBy: { via: 'slack', userId: 'U1' },
    });
    expect(await t.claims()).toEqual([]);
  });

  it('retries a claim with an unknown outcome when the request is still pending', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    t.failNext(new GatewayTimeoutError('node.pair.approve', 30_000, true));
    await t.approve('U1');
    t.failNext(undefined);
    await t.decider.resumeClaims();
    expect(t.calls).toEqual(['approve:req-1', 'approve:req-1']);
    expect((await t.record())?.status).toBe('approved');
  });

  it('finishes a reconciliation that resumes a claim whose request went the other way (no self-wait)', async () => {
    const request = raw(['ollama.models']);
    const t = await setup(['ollama.models'], [request]);
    const watcher: PairingWatcher = new PairingWatcher({
      ...parts(t.storage),
      gateway: t.gateway,
      events: { on: () => () => {}, onResync: () => () => {} },
      onReconciled: (): Promise<void> => decider.resumeClaims(),
    });
    const decider: PairingDecider = new PairingDecider({
      ...parts(t.storage),
      gateway: t.gateway,
      policy,
      requestReconcile: (reason) => void watcher.reconcile(reason),
      access: { approvers: ['U1'], admins: [] },
      isMember: async (user, list) => list.includes(user),
    });
    // A claim left by a crash; meanwhile the request left the gateway without being approved.
    await t.leaveClaim(5);
    t.removePending(request);
    await watcher.start();
    onTestFinished(() => watcher.stop());
    await watcher.reconcile('test');
    expect(await t.claims()).toEqual([]);
    expect(t.calls).toEqual([]);
    await watcher.reconcile('settles the card');
    expect((await t.record())?.status).toBe('gone');
  });

  it('frees the request when the gateway was unreachable at click time (nothing was sent)', async () => {
    const t = await setup(['ollama.models'], [raw(['ollama.models'])]);
    t.failNext(new GatewayClosedError('node.pair.approve', 'gateway session is not connected', 'NOT_CONNECTED'));
    const result = await t.approve('U1');
    expect(result.outcome).toBe('failed');
    expect(await t.claims()).toEqual([]);
  });

  it('drops an interrupted decision that stayed unconfirmed for more than 10 minutes', async () => {
    let now = 1_000_000;
    const t = await setup(['ollama.models'], [raw(['ollama.models'])], () => now);
    await t.leaveClaim(now);
    now += 10 * 60_000 + 1;
    await t.decider.resumeClaims();
    expect(t.calls).toEqual([]);
    expect(await t.claims()).toEqual([]);
    expect(await t.record()).toMatchObject({ status: 'pending', lastFailure: { code: 'dropped-stale' } });
  });
});
