import { escapeMrkdwn, oneLine } from '../../slack/escape.js';
import { nodeTarget, runAudited } from '../audited.js';
import { selectGateways } from '../command-context.js';
import { findNode } from '../find-node.js';
import { renderConfirmation } from '../render/confirmation.js';
import { renderNotice } from '../render/notice.js';
import type { CommandHandler } from './handler.js';

/** `rename <node> <name>`: audited write-ahead with both names. */
export const rename: CommandHandler<'rename'> = async ({ deps, command, userId, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const found = await findNode(deps, command.node, selected.gateways);
  if (!found.ok) return found.answer;
  const from = found.node.displayName;
  const target = nodeTarget(found.gateway.id, found.node);
  await runAudited(deps, { actor: userId, action: 'rename', ...target, params: { from, to: command.name } }, () =>
    found.gateway.nodes.rename(found.node.nodeId, command.name),
  );
  found.gateway.directory.invalidate();
  return renderNotice('Renamed.', `Node ${found.node.nodeId.slice(0, 12)} is now called ${command.name}.`);
};

/** `remove <node>`: asks its requester to confirm; the confirm click removes (handlers/confirm.ts). */
export const remove: CommandHandler<'remove'> = async ({ deps, command, userId, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const found = await findNode(deps, command.node, selected.gateways);
  if (!found.ok) return found.answer;
  const id = deps.newId();
  const payload = { gateway: found.gateway.id, nodeId: found.node.nodeId, nodeName: found.node.displayName };
  await deps.storage.confirmations.create(id, userId, 'remove', payload, deps.nowMs());
  const name = escapeMrkdwn(oneLine(found.node.displayName ?? '(unnamed)'));
  const on = deps.gateways.label(found.gateway.id) ? ` on gateway \`${found.gateway.id}\`` : '';
  return renderConfirmation({
    id,
    title: 'Remove this node?',
    lines: [
      `Node *${name}* (\`${escapeMrkdwn(found.node.nodeId.slice(0, 12))}\`)${on} will be unpaired and disconnected.`,
    ],
    confirmLabel: 'Remove node',
  });
};
