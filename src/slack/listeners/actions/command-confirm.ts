import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Command } from '../../../commands/parse-command.js';
import { renderError } from '../../../commands/render-error.js';
import { attachOutput } from '../../attach-output.js';
import type { Answer, CommandDeps } from '../../commands/command-context.js';
import { CANCEL_ACTION_ID, CONFIRM_ACTION_ID } from '../../commands/confirmation.js';
import { executeInvoke } from '../../commands/invoke.js';
import { renderNotice } from '../../commands/notice.js';
import { audit } from '../../commands/run-command.js';
import { respondReliably } from '../../respond-reliably.js';

const CONFIRM_TTL_MS = 5 * 60_000;

type Stored =
  | { action: 'invoke'; payload: { nodeId: string; command: Extract<Command, { kind: 'invoke' }> } }
  | { action: 'remove'; payload: { nodeId: string } };

/** Confirm / Cancel of a confirmation prompt: only its requester, only once, only while fresh. */
export function register(app: App, deps: CommandDeps): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION_ID, async ({ ack, action, body }) => {
    await ack();
    const claimed = deps.store.claimConfirmation(action.value ?? '', body.user.id, CONFIRM_TTL_MS, deps.nowMs());
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

async function runConfirmed(deps: CommandDeps, stored: Stored, userId: string): Promise<Answer> {
  if (stored.action === 'invoke') {
    const { nodeId, command } = stored.payload;
    return executeInvoke(deps, { nodeId, displayName: undefined }, command, userId);
  }
  const { nodeId } = stored.payload;
  const command: Command = { kind: 'remove', node: nodeId };
  try {
    await deps.nodes.pairRemove(nodeId);
    deps.directory.invalidate();
    audit(deps, userId, command, 'ok');
    return renderNotice('Node removed.', `Node ${nodeId.slice(0, 12)} was unpaired and disconnected.`);
  } catch (err) {
    audit(deps, userId, command, 'failed', err instanceof Error ? err.message : undefined);
    return renderError(`Could not remove the node: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
}
