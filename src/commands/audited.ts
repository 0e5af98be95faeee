import type { AuditEntry } from '../audit/audit-entry.js';
import type { CommandDeps } from './command-context.js';
import type { Command } from './parse/parse-command.js';
import { tierOf } from './policy/access.js';

/** The who/what/target of an audited command (the log adds time and outcome). */
export type CommandAudit = Omit<AuditEntry, 'id' | 'atMs' | 'outcome' | 'completedAtMs'>;

/**
 * Runs a gateway call that changes something, write-ahead: the intent row first (AUDIT_UNAVAILABLE is thrown and
 * nothing is called when it cannot be written), then the call, then its outcome on the same row.
 */
export async function runAudited<T>(deps: CommandDeps, entry: CommandAudit, call: () => Promise<T>): Promise<T> {
  const intent = await deps.audit.begin(entry);
  try {
    const result = await call();
    await intent.complete('ok');
    return result;
  } catch (err) {
    await intent.complete('failed', err instanceof Error ? err.message : 'failed');
    throw err;
  }
}

/** The audit target of a node on a gateway: `node:<id>` with its display name. */
export function nodeTarget(
  gateway: string,
  node: { readonly nodeId: string; readonly displayName?: string | undefined },
) {
  return { gateway, target: `node:${node.nodeId}`, targetName: node.displayName };
}

/** What a command's audit row names as its action, target and params (before the node is resolved). */
export function describeCommand(command: Command): { action: string; target: string; params?: unknown } {
  switch (command.kind) {
    case 'invoke':
      return {
        action: 'invoke',
        target: `ref:${command.node}`,
        params: { command: command.command, params: command.params, timeoutMs: command.timeoutMs },
      };
    case 'rename':
      return { action: 'rename', target: `ref:${command.node}`, params: { to: command.name } };
    case 'describe':
    case 'remove':
      return { action: command.kind, target: `ref:${command.node}` };
    case 'approve':
    case 'reject':
      return { action: `pairing.${command.kind}`, target: `request:${command.requestId}` };
    default:
      return { action: command.kind, target: '' };
  }
}

/** Audits a refused command (only commands beyond everyone's tier: those are the ones that can do harm). */
export async function auditRefusal(
  deps: CommandDeps,
  userId: string,
  command: Command,
  reason: string,
  gateway?: string,
): Promise<void> {
  if (tierOf(command.kind) === 'everyone') return;
  const { action, target, params } = describeCommand(command);
  await deps.audit.record({ actor: userId, action, gateway, target, params, outcome: 'refused', detail: reason });
}
