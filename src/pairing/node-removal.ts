/**
 * Ending a node's approval: an admin's Revoke on its card, `/openclaw remove` (the same action), and a time-bound
 * approval whose time is up. The node is removed on the gateway (`node.pair.remove`, write-ahead audited), then every
 * approved request of that node ends: its card says how, and a thread reply says so under it.
 */
import type { AuditLog } from '../audit/audit-log.js';
import { isGatewayError } from '../errors.js';
import { keyOf, type RequestKey, type Storage } from '../storage/ports.js';
import type { ApprovalEnd } from './types.js';

/** Who acts for the bot itself in the audit (a time-bound approval that ran out has no clicker). */
export const BOT_ACTOR = 'openclaw-slack-ops';

export interface NodeRemovalDeps {
  readonly storage: Pick<Storage, 'requests' | 'outbox'>;
  readonly audit: AuditLog;
  readonly nowMs: () => number;
}

export interface RemovableGateway {
  readonly id: string;
  readonly nodes: { pairRemove(nodeId: string): Promise<unknown> };
}

export interface RemovedNode {
  readonly nodeId: string;
  readonly displayName?: string | undefined;
}

/**
 * Removes the node on the gateway and ends its approvals. A node the gateway no longer knows ("unknown nodeId": removed
 * already, e.g. by an earlier try whose answer was lost) counts as removed. Other gateway errors are thrown, with the
 * audit row completed as failed and the approvals left as they were.
 */
export async function removeNode(
  deps: NodeRemovalDeps,
  gateway: RemovableGateway,
  node: RemovedNode,
  end: { readonly how: ApprovalEnd['how']; readonly userId?: string | undefined },
  detail?: string,
): Promise<RequestKey[]> {
  const intent = await deps.audit.begin({
    actor: end.userId ?? BOT_ACTOR,
    action: end.how === 'expired' ? 'remove.expired' : 'remove',
    gateway: gateway.id,
    target: `node:${node.nodeId}`,
    targetName: node.displayName,
    detail,
  });
  try {
    await gateway.nodes.pairRemove(node.nodeId);
    await intent.complete('ok');
  } catch (err) {
    if (!isGatewayError(err, 'INVALID_REQUEST') || !/unknown nodeId/i.test(err.message)) {
      await intent.complete('failed', err instanceof Error ? err.message : 'failed');
      throw err;
    }
    await intent.complete('ok', 'the gateway no longer knew the node (removed already)');
  }
  return endApprovals(deps, gateway.id, node.nodeId, { ...end, atMs: deps.nowMs() });
}

/** Ends every approved request of the node on the gateway; returns the ones it ended (each gets a thread reply). */
export async function endApprovals(
  deps: Pick<NodeRemovalDeps, 'storage'>,
  gatewayId: string,
  nodeId: string,
  end: ApprovalEnd,
): Promise<RequestKey[]> {
  const { requests, outbox } = deps.storage;
  const ended: RequestKey[] = [];
  for (const record of await requests.listByStatus('approved', gatewayId)) {
    if (record.kind !== 'node' || record.request.subjectId !== nodeId) continue;
    if (!(await requests.endApproval(keyOf(record), end, end.atMs))) continue;
    await outbox.enqueue({ kind: 'decision-reply', request: keyOf(record), ended: true }, end.atMs);
    ended.push(keyOf(record));
  }
  return ended;
}
