/** Filtering, ordering and paging of `node.list` results; one O(n log n) pass, so 10,000 nodes stay fast. */
import type { NodeInfo } from '../../gateway/schemas.js';

/** Longest filter kept in a button value (the parser accepts 200); keeps the value far below Slack's 2000. */
export const FILTER_VALUE_MAX = 200;
const MAX_PAGE = 1_000_000;

/** True for a node that is connected now. */
export function isOnline(node: NodeInfo): boolean {
  return node.connected === true;
}

/** True for a node waiting for a decision: its first surface (`pending-approval`) or a wider one (`pending-reapproval`). */
export function isPending(node: NodeInfo): boolean {
  return node.approvalState === 'pending-approval' || node.approvalState === 'pending-reapproval';
}

function matcher(filter: string): (node: NodeInfo) => boolean {
  const keyword = filter.trim().toLowerCase();
  if (keyword === '') return () => true;
  if (keyword === 'online') return isOnline;
  if (keyword === 'offline') return (n) => !isOnline(n);
  if (keyword === 'pending') return isPending;
  return (n) =>
    [n.displayName, n.nodeId, n.platform, n.remoteIp, n.version, n.deviceFamily].some((field) =>
      field?.toLowerCase().includes(keyword),
    );
}

/**
 * Nodes matching `filter` (`online`, `offline`, `pending`, or text found in name, id, platform, IP or version),
 * online first, then pending, then by name and id.
 */
export function selectNodes<T extends NodeInfo>(nodes: readonly T[], filter: string): T[] {
  const keep = matcher(filter);
  const keyed: { rank: number; name: string; node: T }[] = [];
  for (const node of nodes) {
    if (!keep(node)) continue;
    const rank = (isOnline(node) ? 0 : 2) + (isPending(node) ? 0 : 1);
    keyed.push({ rank, name: (node.displayName ?? '').toLowerCase(), node });
  }
  keyed.sort((a, b) => a.rank - b.rank || compare(a.name, b.name) || compare(a.node.nodeId, b.node.nodeId));
  return keyed.map((k) => k.node);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A page position: `page` is 0-based and clamped into range; `pageCount` is at least 1. */
export function clampPage(total: number, pageSize: number, page: number): { page: number; pageCount: number } {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const wanted = Number.isFinite(page) ? Math.trunc(page) : 0;
  return { page: Math.min(Math.max(wanted, 0), pageCount - 1), pageCount };
}

/** Keeps at most FILTER_VALUE_MAX characters of a filter, never splitting a surrogate pair. */
export function clampFilter(filter: string): string {
  const chars = Array.from(filter);
  return chars.length <= FILTER_VALUE_MAX ? filter : chars.slice(0, FILTER_VALUE_MAX).join('');
}

/** The paging button value `{"f":filter,"p":page,"g"?:gateway}`; always well under 2000 characters. */
export function encodePageValue(filter: string, page: number, gateway?: string): string {
  return JSON.stringify({ f: clampFilter(filter), p: page, ...(gateway ? { g: gateway } : {}) });
}

/** Reads a paging button value back (untrusted); undefined unless it has exactly the shape encodePageValue writes. */
export function decodePageValue(value: string): { filter: string; page: number; gateway?: string } | undefined {
  if (value.length > 2000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { f, p, g } = parsed as Record<string, unknown>;
  if (typeof f !== 'string' || typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PAGE) return undefined;
  if (g !== undefined && (typeof g !== 'string' || !/^[a-z0-9-]{1,20}$/.test(g))) return undefined;
  return { filter: clampFilter(f), page: p, ...(g ? { gateway: g } : {}) };
}
