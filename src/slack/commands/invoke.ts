import type { Command } from '../../commands/parse-command.js';
import { renderError, renderInvokeError } from '../../commands/render-error.js';
import { renderInvokeResult } from '../../commands/render-invoke.js';
import type { NodeInfo } from '../../gateway/schemas.js';
import { escapeCode, escapeMrkdwn, truncate } from '../escape.js';
import type { Answer, CommandDeps } from './command-context.js';
import { renderConfirmation } from './confirmation.js';
import { findNode } from './find-node.js';
import { audit } from './run-command.js';

type InvokeCommand = Extract<Command, { kind: 'invoke' }>;

/** Resolves the node, checks it declares the command, then runs it (or asks to confirm a shell command first). */
export async function runInvoke(
  deps: CommandDeps,
  command: InvokeCommand,
  userId: string,
  confirm: boolean,
): Promise<Answer> {
  const found = await findNode(deps, command.node);
  if (!found.ok) return found.answer;
  const node = found.node;
  if (!node.commands.includes(command.command)) {
    const declared = node.commands.length ? node.commands.slice(0, 20).join(', ') : 'nothing (is it approved?)';
    return renderError(
      `${node.displayName ?? node.nodeId} does not declare ${command.command}.`,
      `It declares: ${declared}.`,
    );
  }
  if (confirm) {
    const id = deps.newId();
    deps.store.createConfirmation(id, userId, 'invoke', { nodeId: node.nodeId, command }, deps.nowMs());
    return renderConfirmation({
      id,
      title: `Run ${command.command} on ${node.displayName ?? node.nodeId}?`,
      lines: [
        `Node: *${escapeMrkdwn(node.displayName ?? '(unnamed)')}* (\`${escapeMrkdwn(node.nodeId.slice(0, 12))}\`)`,
        `Command line:\n\`\`\`${truncate(escapeCode(JSON.stringify(command.params ?? {}, null, 2)), 2_000)}\`\`\``,
        'This runs a shell command on that machine. Only you can confirm, within 5 minutes.',
      ],
      confirmLabel: 'Run it',
    });
  }
  return executeInvoke(deps, node, command, userId);
}

/** Sends node.invoke once (fresh idempotency key) and renders the outcome with its duration. */
export async function executeInvoke(
  deps: CommandDeps,
  node: Pick<NodeInfo, 'nodeId' | 'displayName'>,
  command: InvokeCommand,
  userId: string,
): Promise<Answer> {
  const started = performance.now();
  try {
    const result = await deps.nodes.invoke({
      nodeId: node.nodeId,
      command: command.command,
      params: command.params,
      timeoutMs: command.timeoutMs,
      idempotencyKey: deps.newId(),
    });
    audit(deps, userId, command, 'ok', node.nodeId);
    const durationMs = performance.now() - started;
    const rendered = renderInvokeResult({ node, command: command.command, result, durationMs });
    const { text, blocks } = rendered;
    if (!rendered.truncated) return { text, blocks };
    const title = `${command.command} on ${node.displayName ?? node.nodeId.slice(0, 12)}`;
    return {
      text,
      blocks,
      attachment: { filename: `${command.command}-output.txt`, content: rendered.fullText, title },
    };
  } catch (err) {
    audit(deps, userId, command, 'failed', err instanceof Error ? err.name : 'error');
    return renderInvokeError(err, { timeoutMs: command.timeoutMs, command: command.command });
  }
}
