import type { AuditEntry } from '../../audit/audit-entry.js';
import type { CommandDeps } from './command-context.js';

/** The who/what/target of an audited command (the log adds time and outcome). */
export type CommandAudit = Omit<AuditEntry, 'id' | 'atMs' | 'outcome' | 'completedAtMs'>;

/**
 * Runs a gateway call that changes something, write-ahead: the intent row first (AUDIT_UNAVAILABLE is thrown and
 * nothing is called when it cannot be written), then the call, then its outcome on the same row.
 */
export async function runAudited<T>(deps: CommandDeps, entry: CommandAudit, call: () => Promise<T>): Promise<T> {
  const intent = deps.audit.begin(entry);
  try {
    const result = await call();
    intent.complete('ok');
    return result;
  } catch (err) {
    intent.complete('failed', err instanceof Error ? err.message : 'failed');
    throw err;
  }
}

/** The audit target of a node: `node:<id>` with its display name. */
export function nodeTarget(node: { readonly nodeId: string; readonly displayName?: string | undefined }) {
  return { gateway: 'default', target: `node:${node.nodeId}`, targetName: node.displayName };
}
