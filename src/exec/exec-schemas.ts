/** Payloads of the gateway's exec approval events and methods (reference: exec-approvals.md §2–§3, checked live). */
import { z } from 'zod/v4';
import { optNum, optStr, strings } from '../gateway/schemas.js';

export const EXEC_DECISIONS = ['allow-once', 'allow-always', 'deny'] as const;
const Decision = z.enum(EXEC_DECISIONS);

/** The argv, cwd and origin the gateway bound the request to (prepared by `system.run.prepare`). */
const BindingSchema = z
  .object({ argv: strings, cwd: optStr, agentId: optStr, sessionKey: optStr })
  .passthrough()
  .optional()
  .catch(undefined);

/** `request` inside `exec.approval.requested` and `exec.approval.list` entries. */
export const ExecRequestBodySchema = z
  .object({
    command: z.string().catch(''),
    commandPreview: optStr,
    systemRunBinding: BindingSchema,
    systemRunPlan: z
      .object({ argv: strings, cwd: optStr, commandText: optStr })
      .passthrough()
      .optional()
      .catch(undefined),
    cwd: optStr,
    nodeId: optStr,
    host: z.enum(['node', 'gateway']).catch('gateway'),
    security: optStr,
    ask: optStr,
    warningText: optStr,
    commandAnalysis: z.object({ riskKinds: strings, warningLines: strings }).passthrough().optional().catch(undefined),
    // Unknown decisions are dropped; an absent list offers only Deny (deny by default).
    allowedDecisions: z
      .array(z.string())
      .catch([])
      .default([])
      .transform((list) => EXEC_DECISIONS.filter((d) => list.includes(d))),
    agentId: optStr,
    resolvedPath: optStr,
    sessionKey: optStr,
  })
  .passthrough();
export type ExecRequestBody = z.infer<typeof ExecRequestBodySchema>;

/** `exec.approval.requested` payload, and one entry of `exec.approval.list`. */
export const ExecApprovalSchema = z
  .object({
    id: z.string().min(1),
    createdAtMs: z.number(),
    expiresAtMs: z.number(),
    request: ExecRequestBodySchema,
  })
  .passthrough();
export type ExecApproval = z.infer<typeof ExecApprovalSchema>;

export const ExecApprovalListSchema = z.array(ExecApprovalSchema);

/** `exec.approval.resolved`: on expiry `decision` is "deny" and `resolvedBy` null. */
export const ExecResolvedSchema = z
  .object({
    id: z.string().min(1),
    decision: Decision.optional().catch(undefined),
    resolvedBy: z.string().nullable().optional().catch(null),
    ts: optNum,
  })
  .passthrough();

/** `approval.get` / `approval.history` items: the request's state as the gateway keeps it. */
export const ApprovalSnapshotSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'allowed', 'denied', 'expired']).or(z.string()),
    presentation: z
      .object({ commandText: optStr, host: optStr, nodeId: optStr, agentId: optStr })
      .passthrough()
      .optional()
      .catch(undefined),
    createdAtMs: optNum,
    expiresAtMs: optNum,
    resolvedAtMs: optNum,
    reason: optStr,
    decision: Decision.optional().catch(undefined),
    resolver: z.unknown().optional(),
  })
  .passthrough();
export type ApprovalSnapshot = z.infer<typeof ApprovalSnapshotSchema>;

export const ApprovalGetSchema = z.object({ approval: ApprovalSnapshotSchema }).passthrough();
export const ApprovalHistorySchema = z
  .object({ items: z.array(ApprovalSnapshotSchema), nextCursor: optStr })
  .passthrough();

/** A snapshot's resolver in words: `runtime:cli`, `device:…`, `channel:…` (or a plain name from older shapes). */
export function describeResolver(resolver: unknown): string | undefined {
  if (typeof resolver === 'string') return resolver || undefined;
  if (typeof resolver !== 'object' || resolver === null) return undefined;
  const r = resolver as Record<string, unknown>;
  const kind = typeof r.kind === 'string' ? r.kind : undefined;
  const id = typeof r.id === 'string' ? r.id : typeof r.name === 'string' ? r.name : undefined;
  if (kind && id) return `${kind}:${id}`;
  return kind ?? id;
}
