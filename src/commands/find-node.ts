import type { NodeInfo } from '../gateway/schemas.js';
import type { GatewayRuntime } from '../runtime/gateways.js';
import { oneLine } from '../slack/escape.js';
import type { Answer, CommandDeps } from './command-context.js';
import { renderError } from './render/render-error.js';
import { type NodeResolution, resolveNode } from './resolve-node.js';

/** A node and the gateway it was found on. */
export interface FoundNode {
  readonly node: NodeInfo;
  readonly gateway: GatewayRuntime;
}

const describe = (n: NodeInfo, gateway: string | undefined) =>
  `${oneLine(n.displayName ?? '(unnamed)')} (${n.nodeId.slice(0, 12)}${gateway ? ` on ${gateway}` : ''})`;

/**
 * Resolves a user's node reference against `node.list` of the selected gateways (never by calling a gateway with a
 * guess). A reference that matches nodes on two gateways is ambiguous: the answer names both and how to pick one.
 */
export async function findNode(
  deps: CommandDeps,
  ref: string,
  gateways: readonly GatewayRuntime[],
): Promise<({ ok: true } & FoundNode) | { ok: false; answer: Answer }> {
  const resolved: { gateway: GatewayRuntime; resolution: NodeResolution }[] = [];
  for (const gateway of gateways) {
    resolved.push({ gateway, resolution: resolveNode(ref, await gateway.directory.list()) });
  }
  const found = resolved.flatMap((r) =>
    r.resolution.kind === 'found' ? [{ node: r.resolution.node, gateway: r.gateway }] : [],
  );
  const ambiguous = resolved.filter((r) => r.resolution.kind === 'ambiguous');
  const [only, second] = found;
  if (only && !second && ambiguous.length === 0) return { ok: true, ...only };
  const label = (g: GatewayRuntime) => deps.gateways.label(g.id);
  if (found.length > 1) {
    const list = found.map((f) => describe(f.node, label(f.gateway) ?? f.gateway.id)).join(', ');
    const pick = found.map((f) => `\`--gateway ${f.gateway.id}\``).join(' or ');
    return {
      ok: false,
      answer: renderError(`"${ref.slice(0, 80)}" matches nodes on several gateways: ${list}.`, `Add ${pick}.`),
    };
  }
  const candidates = ambiguous.flatMap((r) =>
    r.resolution.kind === 'ambiguous' ? r.resolution.candidates.map((n) => describe(n, label(r.gateway))) : [],
  );
  if (candidates.length > 0) {
    return {
      ok: false,
      answer: renderError(
        `"${ref.slice(0, 80)}" matches several nodes: ${candidates.slice(0, 10).join(', ')}.`,
        'Use a longer id prefix.',
      ),
    };
  }
  const suggestions = resolved.flatMap((r) => (r.resolution.kind === 'unknown' ? r.resolution.suggestions : []));
  const hint = suggestions.length
    ? `Did you mean ${[...new Set(suggestions)].slice(0, 5).join(', ')}?`
    : 'See `/openclaw nodes`.';
  return { ok: false, answer: renderError(`No node matches "${ref.slice(0, 80)}".`, hint) };
}
