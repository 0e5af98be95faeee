/**
 * The two-person rule (OPENCLAW_TWO_PERSON): the first approval of a request is recorded, not sent; a second,
 * different person of the required tier completes it, and only then is the gateway called. A request that changed
 * since the first approval starts over (its surface differs, so the record dropped it); a reject by anyone of the
 * tier ends it; the first approver can withdraw.
 */
import type { AuditOutcome } from '../audit/audit-entry.js';
import type { DomainEvents } from '../events/domain-events.js';
import { keyOf, type Storage } from '../storage/ports.js';
import type { DecisionResult } from './decision-result.js';
import type { ExecDecision, RequestRecord } from './types.js';

export interface TwoPersonDeps {
  readonly storage: Pick<Storage, 'requests'>;
  readonly domain: DomainEvents;
  readonly audit: (
    record: RequestRecord,
    action: string,
    outcome: Exclude<AuditOutcome, 'intent'>,
    detail?: string,
  ) => Promise<void>;
  readonly nowMs: () => number;
}

/** What a click under the rule does: record the first approval (an answer), or go on as the second with a time. */
export type SecondStep =
  | { readonly result: DecisionResult }
  | { readonly proceed: true; readonly durationMs?: number; readonly decision?: ExecDecision };

/** The stricter of two approval times (undefined is permanent). */
function shorter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** An approval click on a pending request the rule covers (already authorized, fingerprint checked). */
export async function approveUnderRule(
  deps: TwoPersonDeps,
  record: RequestRecord,
  click: {
    readonly userId: string;
    readonly durationMs?: number | undefined;
    readonly reason?: string | undefined;
    /** Exec approvals: allow-once or allow-always. */
    readonly exec?: ExecDecision | undefined;
  },
  attempt = 0,
): Promise<SecondStep> {
  const first = record.approval?.first;
  if (first && first.fingerprint === record.fingerprint) {
    if (first.userId !== click.userId) {
      // Exec approvals: allow-always only when both said so.
      const decision =
        click.exec && (first.decision === 'allow-once' || click.exec === 'allow-once') ? 'allow-once' : click.exec;
      return {
        proceed: true,
        durationMs: shorter(first.durationMs, click.durationMs),
        ...(decision ? { decision } : {}),
      };
    }
    const again = click.exec ? `exec.${click.exec}` : 'pairing.approve';
    await deps.audit(record, again, 'already', 'the first of two approvals is already theirs');
    return { result: { outcome: 'first-approval', record, mine: true } };
  }
  const now = deps.nowMs();
  const approval = {
    ...record.approval,
    first: {
      userId: click.userId,
      fingerprint: record.fingerprint,
      atMs: now,
      ...(click.reason ? { reason: click.reason } : {}),
      ...(click.durationMs ? { durationMs: click.durationMs } : {}),
      ...(click.exec ? { decision: click.exec } : {}),
    },
  };
  const key = keyOf(record);
  if (!(await deps.storage.requests.setApproval(key, approval, record.version, now))) {
    // Changed meanwhile (most often: someone else's first approval landed first, making this click the second).
    const fresh = await deps.storage.requests.get(key);
    if (fresh?.status !== 'pending' || fresh.fingerprint !== record.fingerprint || attempt > 2)
      return { result: { outcome: 'changed', record: fresh, reason: 'outdated-card' } };
    return approveUnderRule(deps, fresh, click, attempt + 1);
  }
  const action = click.exec ? `exec.${click.exec}.first` : 'pairing.approve.first';
  await deps.audit(record, action, 'ok', click.reason ? `reason: ${click.reason}` : undefined);
  deps.domain.emit({ type: 'request.changed', key });
  return {
    result: { outcome: 'first-approval', record: (await deps.storage.requests.get(key)) ?? record, mine: false },
  };
}

/** Withdraws `userId`'s first approval of a pending request; only its approver can. */
export async function withdrawFirst(
  deps: TwoPersonDeps,
  record: RequestRecord,
  userId: string,
): Promise<DecisionResult> {
  const first = record.approval?.first;
  const action = record.kind === 'exec' ? 'exec.withdraw' : 'pairing.withdraw';
  if (record.status !== 'pending' || first?.userId !== userId) {
    await deps.audit(record, action, 'refused', first ? 'not their approval' : 'no first approval');
    return { outcome: 'withdrawn', record, ok: false };
  }
  const key = keyOf(record);
  const ok = await deps.storage.requests.setApproval(
    key,
    { ...record.approval, first: undefined },
    record.version,
    deps.nowMs(),
  );
  await deps.audit(record, action, ok ? 'ok' : 'changed', ok ? undefined : 'the request changed meanwhile');
  if (ok) deps.domain.emit({ type: 'request.changed', key });
  return { outcome: 'withdrawn', record: await deps.storage.requests.get(key), ok };
}
