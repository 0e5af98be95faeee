import { renderError } from '../../commands/render-error.js';
import { resolveNode } from '../../commands/resolve-node.js';
import type { NodeInfo } from '../../gateway/schemas.js';
import { oneLine } from '../escape.js';
import type { Answer, CommandDeps } from './command-context.js';

/** Resolves a user's node reference against `node.list` (never by calling the gateway with a guess). */
export async function findNode(
  deps: CommandDeps,
  ref: string,
): Promise<{ ok: true; node: NodeInfo } | { ok: false; answer: Answer }> {
  const nodes = await deps.directory.list();
  const resolution = resolveNode(ref, nodes);
  if (resolution.kind === 'found') return { ok: true, node: resolution.node };
  if (resolution.kind === 'ambiguous') {
    const list = resolution.candidates
      .slice(0, 10)
      .map((n) => `${oneLine(n.displayName ?? '(unnamed)')} (${n.nodeId.slice(0, 12)})`)
      .join(', ');
    return {
      ok: false,
      answer: renderError(`"${ref.slice(0, 80)}" matches several nodes: ${list}.`, 'Use a longer id prefix.'),
    };
  }
  const hint = resolution.suggestions.length
    ? `Did you mean ${resolution.suggestions.join(', ')}?`
    : 'See `/openclaw nodes`.';
  return { ok: false, answer: renderError(`No node matches "${ref.slice(0, 80)}".`, hint) };
}
