import type { AuditEntry } from '../audit/audit-entry.js';

/** The values of an audit row in column order (at, actor, action, gateway, target, target name, request id, fingerprint, params, outcome, detail), as every store inserts them. */
export function auditValues(entry: AuditEntry) {
  return [
    entry.atMs,
    entry.actor,
    entry.action,
    entry.gateway ?? null,
    entry.target,
    entry.targetName ?? null,
    entry.requestId ?? null,
    entry.fingerprint ?? null,
    entry.params === undefined ? null : JSON.stringify(entry.params),
    entry.outcome,
    entry.detail ?? null,
  ] as const;
}
