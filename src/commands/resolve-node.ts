/** Finds the node a user means: by id, unique id prefix, display name or IP. */
import type { NodeInfo } from '../gateway/schemas.js';
import { suggest } from './suggest.js';

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
 * Resolves `ref` against `nodes`, in order: exact node id, display name (case-insensitive, exact), IP
 * (`remoteIp`), then an id prefix of at least 6 characters. Unknown refs get near names and matching id prefixes.
 */
export function resolveNode(ref: string, nodes: readonly NodeInfo[]): NodeResolution {
  const trimmed = ref.trim();
  if (trimmed === '') return { kind: 'unknown', suggestions: [] };
  const byId = nodes.find((n) => n.nodeId === trimmed);
  if (byId) return { kind: 'found', node: byId };
  const name = normalizeName(trimmed);
  const byName = fromMatches(nodes.filter((n) => n.displayName !== undefined && normalizeName(n.displayName) === name));
  if (byName) return byName;
  const byIp = fromMatches(nodes.filter((n) => n.remoteIp !== undefined && n.remoteIp === trimmed));
  if (byIp) return byIp;
  if (trimmed.length >= MIN_ID_PREFIX) {
    const needle = trimmed.toLowerCase();
    const byPrefix = fromMatches(nodes.filter((n) => n.nodeId.toLowerCase().startsWith(needle)));
    if (byPrefix) return byPrefix;
  }
  return { kind: 'unknown', suggestions: suggestionsFor(trimmed, nodes) };
}
