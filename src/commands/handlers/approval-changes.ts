/**
 * Changes to an approval after it was given, from the node's card: Revoke (the same action as `/openclaw remove`:
 * admin, audited, `node.pair.remove`) and, for a time-bound approval, Extend and Make permanent (admins). Each click
 * is checked on today's authority against the request as stored now; the answer is a private note (plain text).
 */
import { AUDIT_UNAVAILABLE_MESSAGE } from '../../audit/audit-log.js';
import { formatDuration } from '../../config/workflow.js';
import { AppError, ErrorCode, StorageUnavailableError } from '../../errors.js';
import { removeNode } from '../../pairing/node-removal.js';
import type { RequestRecord } from '../../pairing/types.js';
import type { GatewayRuntime } from '../../runtime/gateways.js';
import { describeGatewayError } from '../../slack/decision-notes.js';
import type { RequestKey } from '../../storage/ports.js';
import { type CommandDeps, checkAccess, resolveTiers } from '../command-context.js';

/** Which approval a control names: the gateway and request id its button carries. */
export interface ApprovalTarget {
  readonly gateway: string;
  readonly requestId: string;
}

type Found = { ok: true; gateway: GatewayRuntime; record: RequestRecord } | { ok: false; note: string };

async function findApproved(deps: CommandDeps, target: ApprovalTarget, userId: string, action: string): Promise<Found> {
  const gateway = deps.gateways.get(target.gateway);
  const key: RequestKey = { gateway: target.gateway, kind: 'node', requestId: target.requestId };
  const record = gateway ? await deps.storage.requests.get(key) : undefined;
  if (gateway && record?.status === 'approved') return { ok: true, gateway, record };
  await deps.audit.record({
    actor: userId,
    action,
    gateway: target.gateway,
    target: `request:${target.requestId.slice(0, 128)}`,
    outcome: record ? 'already' : 'refused',
    detail: record ? `not approved any more (${record.status})` : 'unknown request or gateway',
  });
  return {
    ok: false,
    note: record
      ? `Nothing done: this node's approval is not active any more (${record.status}). The card shows what is current.`
      : 'Nothing done: the bot does not know this request (or its gateway is not configured any more).',
  };
}

/** Revoke on an approved node's card: removes the node on the gateway, ends its approvals, audited. */
export async function revokeFromCard(deps: CommandDeps, target: ApprovalTarget, userId: string): Promise<string> {
  const found = await findApproved(deps, target, userId, 'remove');
  if (!found.ok) return found.note;
  const { gateway, record } = found;
  const node = { nodeId: record.request.subjectId, displayName: record.request.displayName };
  const command = { kind: 'remove' as const, node: node.nodeId };
  const access = checkAccess(deps, command, await resolveTiers(deps, userId));
  if (!access.allowed) {
    await deps.audit.record({
      actor: userId,
      action: 'remove',
      gateway: gateway.id,
      target: `node:${node.nodeId}`,
      targetName: node.displayName,
      requestId: record.requestId,
      outcome: 'refused',
      detail: `revoke from the card: ${access.message}`,
    });
    return `You can't revoke this node: ${access.message}. Nothing was sent to the gateway.`;
  }
  try {
    await removeNode(
      deps,
      gateway,
      node,
      { how: 'revoked', userId },
      `revoked from the card of request ${record.requestId}`,
    );
  } catch (err) {
    if (err instanceof StorageUnavailableError) throw err;
    if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE) return AUDIT_UNAVAILABLE_MESSAGE;
    return `Not revoked: ${describeGatewayError(err)}`;
  }
  gateway.directory.invalidate();
  await deps.syncCards().catch(() => undefined);
  return `Revoked: node ${node.displayName ?? node.nodeId.slice(0, 12)} was removed from the gateway and disconnected.`;
}

/** Extend (by `extendMs` from the later of now and the current end) or Make permanent (`extendMs` undefined). */
export async function changeApprovalTime(
  deps: CommandDeps,
  target: ApprovalTarget,
  userId: string,
  extendMs: number | undefined,
): Promise<string> {
  const action = extendMs === undefined ? 'approval.permanent' : 'approval.extend';
  const found = await findApproved(deps, target, userId, action);
  if (!found.ok) return found.note;
  const { record } = found;
  const auditTarget = {
    actor: userId,
    action,
    gateway: record.gateway,
    target: `node:${record.request.subjectId}`,
    targetName: record.request.displayName,
    requestId: record.requestId,
  };
  if (!(await resolveTiers(deps, userId)).includes('admin')) {
    await deps.audit.record({ ...auditTarget, outcome: 'refused', detail: 'needs-admin' });
    return "You can't change how long this approval lasts: only OPENCLAW_ADMINS may. Nothing was changed.";
  }
  const until = record.approval?.untilMs;
  if (until === undefined) return 'Nothing to change: this approval is already permanent.';
  if (extendMs !== undefined && !deps.workflow.durationsMs.includes(extendMs)) {
    await deps.audit.record({ ...auditTarget, outcome: 'refused', detail: 'duration-not-offered' });
    return 'Nothing was changed: that time is not one this bot offers now (OPENCLAW_APPROVAL_DURATIONS).';
  }
  const untilMs = extendMs === undefined ? undefined : Math.max(until, deps.nowMs()) + extendMs;
  const approval = { ...record.approval, untilMs, timeChangedBy: userId };
  const params = { from: until, to: untilMs ?? null };
  const changed = await deps.storage.requests.setApproval(record, approval, record.version, deps.nowMs());
  await deps.audit.record({
    ...auditTarget,
    params,
    outcome: changed ? 'ok' : 'changed',
    detail: changed ? undefined : 'the approval changed meanwhile',
  });
  if (!changed)
    return 'Nothing was changed: the approval changed meanwhile (ended or changed by someone else). Look at the card again.';
  await deps.syncCards().catch(() => undefined);
  return untilMs === undefined
    ? 'This approval is permanent now.'
    : `Extended by ${formatDuration(extendMs ?? 0)}: the node stays approved until ${new Date(untilMs).toISOString()}.`;
}
