import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decodePageValue } from '../../../commands/node-list.js';
import { NODES_NEXT_ACTION_ID, NODES_PREV_ACTION_ID, renderNodesPage } from '../../../commands/render-nodes.js';
import type { CommandDeps } from '../../commands/command-context.js';
import { respondReliably } from '../../respond-reliably.js';

/** Next / Previous on a `nodes` answer (the button value names the target page): re-list and replace in place. */
export function register(app: App, deps: CommandDeps): void {
  for (const actionId of [NODES_NEXT_ACTION_ID, NODES_PREV_ACTION_ID]) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body }) => {
      await ack();
      const value = decodePageValue(action.value ?? '');
      if (!value) return;
      const nodes = await deps.directory.list();
      const page = renderNodesPage(nodes, { filter: value.filter, page: value.page, nowMs: deps.nowMs() });
      await respondReliably(
        body.response_url,
        { replace_original: true, text: page.text, blocks: page.blocks },
        deps.log,
      );
    });
  }
}
