import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { CommandDeps } from '../../../commands/command-context.js';
import { cancelAction, confirmAction } from '../../../commands/handlers/confirm.js';
import { CANCEL_ACTION_ID, CONFIRM_ACTION_ID } from '../../../commands/render/confirmation.js';
import { describeFailure } from '../../../commands/run-command.js';
import { attachOutput } from '../../attach-output.js';
import { respondReliably } from '../../respond-reliably.js';

/** The prompt stays (its buttons still work once the cause is gone); the reason comes as a message of its own. */
async function keepPromptAndSay(deps: CommandDeps, responseUrl: string | undefined, err: unknown): Promise<void> {
  const failure = describeFailure(deps, err);
  await respondReliably(
    responseUrl,
    { replace_original: false, response_type: 'ephemeral', text: failure.text, blocks: failure.blocks },
    deps.log,
  );
}

/** Confirm / Cancel of a confirmation prompt: ack, let the commands feature decide, answer in place. */
export function register(app: App, deps: CommandDeps): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION_ID, async ({ ack, action, body }) => {
    await ack();
    try {
      const answer = await cancelAction(deps, action.value ?? '', body.user.id);
      if (answer) await respondReliably(body.response_url, { replace_original: true, ...answer }, deps.log);
    } catch (err) {
      await keepPromptAndSay(deps, body.response_url, err);
    }
  });
  app.action<BlockAction<ButtonAction>>(CONFIRM_ACTION_ID, async ({ ack, action, body, client }) => {
    await ack();
    let confirmed: Awaited<ReturnType<typeof confirmAction>>;
    try {
      confirmed = await confirmAction(deps, action.value ?? '', body.user.id);
    } catch (err) {
      await keepPromptAndSay(deps, body.response_url, err);
      return;
    }
    const { attachment, ...answer } = confirmed;
    // A refused click leaves the prompt in place; a confirmed one replaces it with the outcome.
    const replace = !/already used, has expired, or is not yours/.test(answer.text);
    await respondReliably(body.response_url, { replace_original: replace, ...answer }, deps.log);
    if (attachment) {
      const target = { userId: body.user.id, channelId: body.channel?.id ?? '', shared: false };
      await attachOutput(client, target, attachment, deps.log);
    }
  });
}
