import { AppError, ErrorCode } from '../../errors.js';
import type { NodeInfo } from '../../gateway/schemas.js';
import type { GatewayRuntime } from '../../runtime/gateways.js';
import { escapeCode, escapeMrkdwn, oneLine, truncate } from '../../slack/escape.js';
import { nodeTarget, runAudited } from '../audited.js';
import { type Answer, type CommandDeps, selectGateways } from '../command-context.js';
import { findNode } from '../find-node.js';
import type { Command } from '../parse/parse-command.js';
import { renderConfirmation } from '../render/confirmation.js';
import { renderError, renderInvokeError } from '../render/render-error.js';
import { renderInvokeResult } from '../render/render-invoke.js';
import type { CommandHandler } from './handler.js';

export type InvokeCommand = Extract<Command, { kind: 'invoke' }>;

/** What an invoke confirmation stores: the gateway, the node as shown and the exact command. */
export interface InvokeConfirmation {
  /** Absent in confirmations of an older release: the gateway `default`. */
  readonly gateway?: string;
  readonly nodeId: string;
  readonly nodeName: string | undefined;
  readonly command: InvokeCommand;
}

/** `invoke`: resolves the node, checks it declares the command, then runs it (or asks to confirm a sensitive one first). */
export const invoke: CommandHandler<'invoke'> = async ({ deps, command, userId, confirm, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const found = await findNode(deps, command.node, selected.gateways);
  if (!found.ok) return found.answer;
  const node = found.node;
  const undeclared = checkDeclared(node, command.command);
  if (undeclared) return undeclared;
  if (!confirm) return executeInvoke(deps, found.gateway, node, command, userId);
  const id = deps.newId();
  const stored: InvokeConfirmation = {
    gateway: found.gateway.id,
    nodeId: node.nodeId,
    nodeName: node.displayName,
    command,
  };
  await deps.storage.confirmations.create(id, userId, 'invoke', stored, deps.nowMs());
  const on = deps.gateways.label(found.gateway.id) ? ` (gateway \`${escapeMrkdwn(found.gateway.id)}\`)` : '';
  const name = oneLine(node.displayName ?? node.nodeId);
  const exec = deps.policy.riskOf(command.command) === 'exec';
  return renderConfirmation({
    id,
    title: `Run ${command.command} on ${name}?`,
    lines: [
      `Node: *${escapeMrkdwn(oneLine(node.displayName ?? '(unnamed)'))}* (\`${escapeMrkdwn(node.nodeId.slice(0, 12))}\`)${on}`,
      `Command: \`${escapeMrkdwn(command.command)}\``,
      `Params:\n\`\`\`${truncate(escapeCode(JSON.stringify(command.params ?? {}, null, 2)), 2_000)}\`\`\``,
      exec
        ? 'This runs code or drives input on that machine. Only you can confirm, within 5 minutes.'
        : 'This command is not on the list of harmless read-only commands. Only you can confirm, within 5 minutes.',
    ],
    confirmLabel: 'Run it',
  });
};

/** An error answer when `node` does not declare `command`, else undefined. */
export function checkDeclared(node: NodeInfo, command: string): Answer | undefined {
  if (node.commands.includes(command)) return undefined;
  const declared = node.commands.length ? node.commands.slice(0, 20).join(', ') : 'nothing (is it approved?)';
  return renderError(
    `${oneLine(node.displayName ?? node.nodeId)} does not declare ${command}.`,
    `It declares: ${declared}.`,
  );
}

/** Sends node.invoke once (fresh idempotency key), audited write-ahead, and renders the outcome with its duration. */
export async function executeInvoke(
  deps: CommandDeps,
  gateway: GatewayRuntime,
  node: Pick<NodeInfo, 'nodeId' | 'displayName'>,
  command: InvokeCommand,
  userId: string,
): Promise<Answer> {
  const started = performance.now();
  const entry = {
    actor: userId,
    action: 'invoke',
    ...nodeTarget(gateway.id, node),
    params: { command: command.command, params: command.params, timeoutMs: command.timeoutMs },
  };
  try {
    const result = await runAudited(deps, entry, () =>
      gateway.nodes.invoke({
        nodeId: node.nodeId,
        command: command.command,
        params: command.params,
        timeoutMs: command.timeoutMs,
        idempotencyKey: deps.newId(),
      }),
    );
    const durationMs = performance.now() - started;
    const rendered = renderInvokeResult({ node, command: command.command, result, durationMs });
    const { text, blocks } = rendered;
    if (!rendered.truncated) return { text, blocks };
    const title = `${command.command} on ${oneLine(node.displayName ?? node.nodeId.slice(0, 12))}`;
    return {
      text,
      blocks,
      attachment: { filename: `${command.command}-output.txt`, content: rendered.fullText, title },
    };
  } catch (err) {
    if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE) throw err;
    return renderInvokeError(err, { timeoutMs: command.timeoutMs, command: command.command });
  }
}
