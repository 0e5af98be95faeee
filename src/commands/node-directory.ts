import type { NodeManager } from '../gateway/nodes.js';
import type { NodeInfo } from '../gateway/schemas.js';

/** How long one node.list answer is shared between commands and clicks. */
export const NODE_LIST_SHARE_MS = 2_000;

/**
 * `node.list` for answering commands, shared for a moment: a paging click, or `describe`/`invoke` resolving a name
 * right after `nodes`, reuse the last list instead of fetching and validating every node again. Calls made while a
 * fetch is running share it. Mutations invalidate it.
 */
export class NodeDirectory {
  private cached: { nodes: NodeInfo[]; atMs: number } | undefined;
  private inflight: Promise<NodeInfo[]> | undefined;

  constructor(
    private readonly source: Pick<NodeManager, 'list'>,
    private readonly ttlMs = NODE_LIST_SHARE_MS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async list(): Promise<NodeInfo[]> {
    if (this.cached && this.nowMs() - this.cached.atMs < this.ttlMs) return this.cached.nodes;
    this.inflight ??= this.source
      .list()
      .then(({ nodes }) => {
        this.cached = { nodes, atMs: this.nowMs() };
        return nodes;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Forget the shared list (after rename, remove or approval). */
  invalidate(): void {
    this.cached = undefined;
  }
}
