import type { Command } from '../../commands/parse-command.js';
import { renderError, renderInvokeError } from '../../commands/render-error.js';
import { renderInvokeResult } from '../../commands/render-invoke.js';
import { AppError, ErrorCode } from '../../errors.js';
import type { NodeInfo } from '../../gateway/schemas.js';
import { escapeCode, escapeMrkdwn, oneLine, truncate } from '../escape.js';
import { nodeTarget, runAudited } from './audited.js';
import type { Answer, CommandDeps } from './command-context.js';
import { renderConfirmation } from './confirmation.js';
import { findNode } from './find-node.js';

export type InvokeCommand = Extract<Command, { kind: 'invoke' }>;

/** What an invoke confirmation stores: the node as shown and the exact command. */
export interface InvokeConfirmation {
  readonly nodeId: string;
  readonly nodeName: string | undefined;
  readonly command: InvokeCommand;
}

/** Resolves the node, checks it declares the command, then runs it (or asks to confirm a sensitive command first). */
export async function runInvoke(
  deps: CommandDeps,
  command: InvokeCommand,
  userId: string,
  confirm: boolean,
): Promise<Answer> {
  const found = await findNode(deps, command.node);
  if (!found.ok) return found.answer;
  const node = found.node;
  const undeclared = checkDeclared(node, command.command);
  if (undeclared) return undeclared;
  if (!confirm) return executeInvoke(deps, node, command, userId);
  const id = deps.newId();
  const stored: InvokeConfirmation = { nodeId: node.nodeId, nodeName: node.displayName, command };
  deps.store.createConfirmation(id, userId, 'invoke', stored, deps.nowMs());
  const name = oneLine(node.displayName ?? node.nodeId);
  const exec = deps.policy.riskOf(command.command) === 'exec';
  return renderConfirmation({
    id,
    title: `Run ${command.command} on ${name}?`,
    lines: [
      `Node: *${escapeMrkdwn(oneLine(node.displayName ?? '(unnamed)'))}* (\`${escapeMrkdwn(node.nodeId.slice(0, 12))}\`)`,
      `Command: \`${escapeMrkdwn(command.command)}\``,
      `Params:\n\`\`\`${truncate(escapeCode(JSON.stringify(command.params ?? {}, null, 2)), 2_000)}\`\`\``,
      exec
        ? 'This runs code or drives input on that machine. Only you can confirm, within 5 minutes.'
        : 'This command is not on the list of harmless read-only commands. Only you can confirm, within 5 minutes.',
    ],
    confirmLabel: 'Run it',
  });
}

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
  node: Pick<NodeInfo, 'nodeId' | 'displayName'>,
  command: InvokeCommand,
  userId: string,
): Promise<Answer> {
  const started = performance.now();
  const entry = {
    actor: userId,
    action: 'invoke',
    ...nodeTarget(node),
    params: { command: command.command, params: command.params, timeoutMs: command.timeoutMs },
  };
  try {
    const result = await runAudited(deps, entry, () =>
      deps.nodes.invoke({
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
