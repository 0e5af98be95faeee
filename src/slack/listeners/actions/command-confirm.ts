import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { AUDIT_UNAVAILABLE_MESSAGE } from '../../../audit/audit-log.js';
import type { Command } from '../../../commands/parse-command.js';
import { renderError } from '../../../commands/render-error.js';
import { AppError, ErrorCode } from '../../../errors.js';
import { attachOutput } from '../../attach-output.js';
import { nodeTarget, runAudited } from '../../commands/audited.js';
import { type Answer, type CommandDeps, resolveTiers } from '../../commands/command-context.js';
import { CANCEL_ACTION_ID, CONFIRM_ACTION_ID } from '../../commands/confirmation.js';
import { checkDeclared, executeInvoke, type InvokeConfirmation } from '../../commands/invoke.js';
import { renderNotice } from '../../commands/notice.js';
import { auditRefusal, checkAccess } from '../../commands/run-command.js';
import { respondReliably } from '../../respond-reliably.js';

const CONFIRM_TTL_MS = 5 * 60_000;

type Stored =
  | { action: 'invoke'; payload: InvokeConfirmation }
  | { action: 'remove'; payload: { nodeId: string; nodeName?: string | undefined } };

/** Confirm / Cancel of a confirmation prompt: only its requester, only once, only while fresh, on today's authority. */
export function register(app: App, deps: CommandDeps): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION_ID, async ({ ack, action, body }) => {
    await ack();
    const claimed = deps.store.claimConfirmation(action.value ?? '', body.user.id, CONFIRM_TTL_MS, deps.nowMs());
    deps.audit.record({
      actor: body.user.id,
      action: 'cancel',
      target: `confirmation:${(action.value ?? '').slice(0, 64)}`,
      outcome: claimed ? 'ok' : 'refused',
      detail: claimed ? `cancelled ${claimed.action}` : 'confirmation already used, expired or not theirs',
    });
    if (claimed)
      await respondReliably(
        body.response_url,
        { replace_original: true, ...renderNotice('Cancelled; nothing was run.') },
        deps.log,
      );
  });
  app.action<BlockAction<ButtonAction>>(CONFIRM_ACTION_ID, async ({ ack, action, body, client }) => {
    await ack();
    const stored = deps.store.claimConfirmation(action.value ?? '', body.user.id, CONFIRM_TTL_MS, deps.nowMs()) as
      | Stored
      | undefined;
    if (!stored) {
      deps.audit.record({
        actor: body.user.id,
        action: 'confirm',
        target: `confirmation:${(action.value ?? '').slice(0, 64)}`,
        outcome: 'refused',
        detail: 'confirmation already used, expired or not theirs',
      });
      const message = renderError(
        'This confirmation was already used, has expired, or is not yours.',
        'Nothing was run.',
      );
      await respondReliably(body.response_url, { replace_original: false, ...message }, deps.log);
      return;
    }
    const { attachment, ...answer } = await runConfirmed(deps, stored, body.user.id);
    await respondReliably(body.response_url, { replace_original: true, ...answer }, deps.log);
    if (attachment) {
      const target = { userId: body.user.id, channelId: body.channel?.id ?? '', shared: false };
      await attachOutput(client, target, attachment, deps.log);
    }
  });
}

function commandOf(stored: Stored): Command {
  return stored.action === 'invoke' ? stored.payload.command : { kind: 'remove', node: stored.payload.nodeId };
}

/**
 * Re-checks a confirmed action as things are now: the clicker's tiers and the bot's settings (a restart may have
 * turned OPENCLAW_ALLOW_SYSTEM_RUN off or removed an admin), and that the node is still the one that was shown.
 */
async function reauthorize(deps: CommandDeps, stored: Stored, userId: string): Promise<Answer | undefined> {
  const command = commandOf(stored);
  const decision = checkAccess(deps, command, await resolveTiers(deps, userId));
  if (!decision.allowed) {
    auditRefusal(deps, userId, command, `at confirmation: ${decision.message}`);
    return renderError(`Not run: ${decision.message}`, 'Nothing was sent to the node.');
  }
  deps.directory.invalidate();
  const node = (await deps.directory.list()).find((n) => n.nodeId === stored.payload.nodeId);
  const changed =
    !node ||
    (node.displayName ?? undefined) !== (stored.payload.nodeName ?? undefined) ||
    (stored.action === 'invoke' && checkDeclared(node, stored.payload.command.command) !== undefined);
  if (changed) {
    const reason = node ? 'the node changed since you were asked (name or commands)' : 'the node is gone';
    auditRefusal(deps, userId, command, `at confirmation: ${reason}`);
    return renderError(
      `Not run: ${reason}.`,
      'Nothing was sent to the node. Run the command again to see it as it is now.',
    );
  }
  return undefined;
}

async function runConfirmed(deps: CommandDeps, stored: Stored, userId: string): Promise<Answer> {
  try {
    const refused = await reauthorize(deps, stored, userId);
    if (refused) return refused;
    const node = { nodeId: stored.payload.nodeId, displayName: stored.payload.nodeName };
    if (stored.action === 'invoke') return await executeInvoke(deps, node, stored.payload.command, userId);
    await runAudited(deps, { actor: userId, action: 'remove', ...nodeTarget(node) }, () =>
      deps.nodes.pairRemove(node.nodeId),
    );
    deps.directory.invalidate();
    return renderNotice('Node removed.', `Node ${node.nodeId.slice(0, 12)} was unpaired and disconnected.`);
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE)
      return renderError(AUDIT_UNAVAILABLE_MESSAGE);
    return renderError(
      `Could not ${stored.action} on the node: ${err instanceof Error ? err.message : 'unknown error'}`,
    );
  }
}
