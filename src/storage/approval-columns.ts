/** How the approval state of a request is kept in SQL: `expires_at_ms` (indexed, for the sweep) and the rest as JSON. */
import type { ApprovalState } from '../pairing/types.js';

/** The state's JSON without the time limit (which has its own column); null when nothing is left. */
export function approvalJson(approval: ApprovalState | undefined): string | null {
  const { untilMs: _, ...rest } = approval ?? {};
  const kept = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length === 0 ? null : JSON.stringify(kept);
}

/** The state back from its two columns; undefined when both are empty. */
export function readApproval(json: string | object | null, expiresAtMs: number | undefined): ApprovalState | undefined {
  const rest = (typeof json === 'string' ? JSON.parse(json) : (json ?? {})) as ApprovalState;
  if (expiresAtMs === undefined && Object.keys(rest).length === 0) return undefined;
  return expiresAtMs === undefined ? rest : { ...rest, untilMs: expiresAtMs };
}
