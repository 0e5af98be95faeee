import { AUDIT_UNAVAILABLE_MESSAGE } from '../../audit/audit-log.js';
import { AppError, ErrorCode, StorageUnavailableError } from '../../errors.js';
import { removeNode } from '../../pairing/node-removal.js';
import type { GatewayRuntime } from '../../runtime/gateways.js';
import { DEFAULT_GATEWAY } from '../../storage/ports.js';
import { auditRefusal } from '../audited.js';
import { type Answer, type CommandDeps, checkAccess, resolveTiers } from '../command-context.js';
import type { Command } from '../parse/parse-command.js';
import { renderNotice } from '../render/notice.js';
import { renderError } from '../render/render-error.js';
import { checkDeclared, executeInvoke, type InvokeConfirmation } from './invoke.js';

/** How long a confirmation prompt can be confirmed. */
export const CONFIRM_TTL_MS = 5 * 60_000;

type Stored =
  | { action: 'invoke'; payload: InvokeConfirmation }
  | { action: 'remove'; payload: { gateway?: string; nodeId: string; nodeName?: string | undefined } };

const NOT_YOURS = 'confirmation already used, expired or not theirs';

/** Confirm: only its requester, only once, only while fresh, and on today's authority; then runs it, audited. */
export async function confirmAction(deps: CommandDeps, id: string, userId: string): Promise<Answer> {
  const stored = (await deps.storage.confirmations.claim(id, userId, CONFIRM_TTL_MS, deps.nowMs())) as
    | Stored
    | undefined;
  if (!stored) {
    await deps.audit.record({
      actor: userId,
      action: 'confirm',
      target: `confirmation:${id.slice(0, 64)}`,
      outcome: 'refused',
      detail: NOT_YOURS,
    });
    return renderError('This confirmation was already used, has expired, or is not yours.', 'Nothing was run.');
  }
  const gateway = deps.gateways.get(stored.payload.gateway ?? DEFAULT_GATEWAY);
  if (!gateway) return renderError('The gateway of this confirmation is not configured any more.', 'Nothing was run.');
  try {
    const refused = await reauthorize(deps, gateway, stored, userId);
    if (refused) return refused;
    const node = { nodeId: stored.payload.nodeId, displayName: stored.payload.nodeName };
    if (stored.action === 'invoke') return await executeInvoke(deps, gateway, node, stored.payload.command, userId);
    // The same action as Revoke on the node's card: its approved cards say so, with a thread reply.
    await removeNode(deps, gateway, node, { how: 'revoked', userId });
    gateway.directory.invalidate();
    await deps.syncCards().catch(() => undefined);
    return renderNotice('Node removed.', `Node ${node.nodeId.slice(0, 12)} was unpaired and disconnected.`);
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE)
      return renderError(AUDIT_UNAVAILABLE_MESSAGE);
    if (err instanceof StorageUnavailableError) throw err;
    return renderError(
      `Could not ${stored.action} on the node: ${err instanceof Error ? err.message : 'unknown error'}`,
    );
  }
}

/** Cancel: uses the confirmation up (only its requester); undefined when it was not theirs or not fresh. */
export async function cancelAction(deps: CommandDeps, id: string, userId: string): Promise<Answer | undefined> {
  const claimed = await deps.storage.confirmations.claim(id, userId, CONFIRM_TTL_MS, deps.nowMs());
  await deps.audit.record({
    actor: userId,
    action: 'cancel',
    target: `confirmation:${id.slice(0, 64)}`,
    outcome: claimed ? 'ok' : 'refused',
    detail: claimed ? `cancelled ${claimed.action}` : NOT_YOURS,
  });
  return claimed ? renderNotice('Cancelled; nothing was run.') : undefined;
}

function commandOf(stored: Stored): Command {
  return stored.action === 'invoke' ? stored.payload.command : { kind: 'remove', node: stored.payload.nodeId };
}

/**
 * Re-checks a confirmed action as things are now: the clicker's tiers and the bot's settings (a restart may have
 * turned OPENCLAW_ALLOW_SYSTEM_RUN off or removed an admin), and that the node is still the one that was shown.
 */
async function reauthorize(
  deps: CommandDeps,
  gateway: GatewayRuntime,
  stored: Stored,
  userId: string,
): Promise<Answer | undefined> {
  const command = commandOf(stored);
  const decision = checkAccess(deps, command, await resolveTiers(deps, userId));
  if (!decision.allowed) {
    await auditRefusal(deps, userId, command, `at confirmation: ${decision.message}`, gateway.id);
    return renderError(`Not run: ${decision.message}`, 'Nothing was sent to the node.');
  }
  gateway.directory.invalidate();
  const node = (await gateway.directory.list()).find((n) => n.nodeId === stored.payload.nodeId);
  const changed =
    !node ||
    (node.displayName ?? undefined) !== (stored.payload.nodeName ?? undefined) ||
    (stored.action === 'invoke' && checkDeclared(node, stored.payload.command.command) !== undefined);
  if (changed) {
    const reason = node ? 'the node changed since you were asked (name or commands)' : 'the node is gone';
    await auditRefusal(deps, userId, command, `at confirmation: ${reason}`, gateway.id);
    return renderError(
      `Not run: ${reason}.`,
      'Nothing was sent to the node. Run the command again to see it as it is now.',
    );
  }
  return undefined;
}
