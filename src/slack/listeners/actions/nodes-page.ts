import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { CommandDeps } from '../../../commands/command-context.js';
import { renderNodesFor } from '../../../commands/handlers/nodes.js';
import { decodePageValue } from '../../../commands/render/node-list.js';
import { NODES_NEXT_ACTION_ID, NODES_PREV_ACTION_ID } from '../../../commands/render/render-nodes.js';
import { describeFailure } from '../../../commands/run-command.js';
import { respondReliably } from '../../respond-reliably.js';

/**
 * Next / Previous on a `nodes` answer (the button value names the target page): re-list and replace in place. When
 * the list cannot be fetched (gateway down, refused), the page stays and the reason comes as a separate ephemeral
 * answer, so the buttons are still there to try again.
 */
export function register(app: App, deps: CommandDeps): void {
  for (const actionId of [NODES_NEXT_ACTION_ID, NODES_PREV_ACTION_ID]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body }) => {
      await ack();
      const value = decodePageValue(action.value ?? '');
      if (!value) return;
      const want = { filter: value.filter, page: value.page, gatewayId: value.gateway };
      const answer = await renderNodesFor(deps, want).then(
        (page) => ({ replace_original: true, text: page.text, blocks: page.blocks }),
        (err: unknown) => {
          const failure = describeFailure(deps, err);
          return { replace_original: false, response_type: 'ephemeral', text: failure.text, blocks: failure.blocks };
        },
      );
      await respondReliably(body.response_url, answer, deps.log);
    });
  }
}
