/** Finds the node a user means: by id, unique id prefix, display name or IP. */
import type { NodeInfo } from '../gateway/schemas.js';
import { suggest } from './parse/suggest.js';

/** Shortest id prefix accepted on its own. */
export const MIN_ID_PREFIX = 6;
const MAX_SUGGESTIONS = 5;

/** What a reference resolved to; `ambiguous` lists every node it could mean. */
export type NodeResolution =
  | { kind: 'found'; node: NodeInfo }
  | { kind: 'ambiguous'; candidates: NodeInfo[] }
  | { kind: 'unknown'; suggestions: string[] };

/** Display names compare case-insensitively after Unicode normalisation and trimming. */
export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

function fromMatches(matches: NodeInfo[]): NodeResolution | undefined {
  const [only, second] = matches;
  if (!only) return undefined;
  return second ? { kind: 'ambiguous', candidates: matches } : { kind: 'found', node: only };
}

function suggestionsFor(ref: string, nodes: readonly NodeInfo[]): string[] {
  const names = nodes.flatMap((n) => (n.displayName ? [n.displayName] : []));
  const near = suggest(normalizeName(ref), names, MAX_SUGGESTIONS);
  const needle = ref.toLowerCase();
  const prefixed =
    needle.length > 0 ? nodes.filter((n) => n.nodeId.toLowerCase().startsWith(needle)).map((n) => n.nodeId) : [];
  return [...new Set([...near, ...prefixed])].slice(0, MAX_SUGGESTIONS);
}

/**
 * Resolves `ref` against `nodes`: an exact node id wins; otherwise display name (case-insensitive, exact), IP
 * (`remoteIp`) and id prefix (≥ 6 characters) are matched together, and several matching nodes are ambiguous.
 * Unknown refs get near names and matching id prefixes.
 */
export function resolveNode(ref: string, nodes: readonly NodeInfo[]): NodeResolution {
  const trimmed = ref.trim();
  if (trimmed === '') return { kind: 'unknown', suggestions: [] };
  const byId = nodes.find((n) => n.nodeId === trimmed);
  if (byId) return { kind: 'found', node: byId };
  // A node picks its own name: a name that looks like another node's IP or id prefix must not capture it, so
  // matches from every category are pooled and more than one node is ambiguous.
  const name = normalizeName(trimmed);
  const needle = trimmed.toLowerCase();
  const matches = nodes.filter(
    (n) =>
      (n.displayName !== undefined && normalizeName(n.displayName) === name) ||
      (n.remoteIp !== undefined && n.remoteIp === trimmed) ||
      (trimmed.length >= MIN_ID_PREFIX && n.nodeId.toLowerCase().startsWith(needle)),
  );
  const found = fromMatches(matches);
  if (found) return found;
  return { kind: 'unknown', suggestions: suggestionsFor(trimmed, nodes) };
}
