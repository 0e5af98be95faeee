import { describe, expect, it } from 'vitest';
import { decodePageValue } from '../../../src/commands/render/node-list.js';
import {
  NODES_NEXT_ACTION_ID,
  NODES_PREV_ACTION_ID,
  type NodesPage,
  renderNodesPage,
} from '../../../src/commands/render/render-nodes.js';
import type { NodeInfo } from '../../../src/gateway/schemas.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

const NOW = 1_795_960_000_000;

function node(i: number, extra: Partial<NodeInfo> = {}): NodeInfo {
  return {
    nodeId: `node${i.toString().padStart(8, '0')}`,
    displayName: `host-${i}`,
    platform: 'linux',
    version: '2026.9.6',
    approvalState: i % 7 === 0 ? 'pending-approval' : 'approved',
    connected: i % 3 === 0,
    connectedAtMs: NOW - 3 * 60_000,
    lastSeenAtMs: NOW - 2 * 3_600_000,
    caps: [],
    commands: [],
    ...extra,
  };
}

function buttons(page: NodesPage): { action_id: string; value: string }[] {
  const actions = page.blocks.find((b) => b.type === 'actions');
  return actions && actions.type === 'actions' ? (actions.elements as { action_id: string; value: string }[]) : [];
}

function nodeIdsOn(page: NodesPage): string[] {
  return [...JSON.stringify(page.blocks).matchAll(/`(node\d{8})`/g)].map((m) => m[1] ?? '');
}

describe('renderNodesPage', () => {
  it('shows name, state, approval, platform, version and last seen', () => {
    const page = renderNodesPage([node(3), node(1)], { filter: '', page: 0, nowMs: NOW });
    expectSafeMessage(page);
    const all = JSON.stringify(page.blocks);
    expect(all).toContain(
      '*host-3* `node00000003`\\n:large_green_circle: online · approved · linux · v2026.9.6 · connected 3 min ago',
    );
    expect(all).toContain(':white_circle: offline · approved · linux · v2026.9.6 · last seen 2 h ago');
    expect(page.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(page.text).toBe(
      'Nodes: 2 node(s), all nodes · online first, then pending, then by name: host-3 (online), host-1 (offline)',
    );
  });

  it('filters by state keyword or by text in name, id, platform or IP', () => {
    const nodes = [node(1), node(3), node(7), node(10, { displayName: 'Build Box', remoteIp: '10.1.2.3' })];
    expect(renderNodesPage(nodes, { filter: 'online', page: 0, nowMs: NOW }).matched).toBe(1);
    expect(renderNodesPage(nodes, { filter: 'offline', page: 0, nowMs: NOW }).matched).toBe(3);
    expect(renderNodesPage(nodes, { filter: 'pending', page: 0, nowMs: NOW }).matched).toBe(1);
    expect(renderNodesPage(nodes, { filter: 'build', page: 0, nowMs: NOW }).matched).toBe(1);
    expect(renderNodesPage(nodes, { filter: '10.1.2', page: 0, nowMs: NOW }).matched).toBe(1);
    expect(renderNodesPage(nodes, { filter: 'LINUX', page: 0, nowMs: NOW }).matched).toBe(4);
  });

  it('explains an empty result', () => {
    const none = renderNodesPage([], { filter: '', page: 0, nowMs: NOW });
    expectSafeMessage(none);
    expect(JSON.stringify(none.blocks)).toContain('No nodes yet');
    const nomatch = renderNodesPage([node(1)], { filter: '<!channel>', page: 3, nowMs: NOW });
    expectSafeMessage(nomatch);
    expect(JSON.stringify(nomatch.blocks)).toContain('No nodes match `&lt;!channel&gt;`');
    expect(nomatch.page).toBe(0);
  });

  it('pages through 10,000 nodes forwards and backwards, every page valid, each node once', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => node(i));
    const seen = new Set<string>();
    let page = renderNodesPage(nodes, { filter: '', page: 0, nowMs: NOW });
    for (;;) {
      expectSafeMessage(page);
      for (const id of nodeIdsOn(page)) seen.add(id);
      const next = buttons(page).find((b) => b.action_id === NODES_NEXT_ACTION_ID);
      if (!next) break;
      const value = decodePageValue(next.value);
      expect(value).toEqual({ filter: '', page: page.page + 1 });
      page = renderNodesPage(nodes, { filter: value?.filter ?? '', page: value?.page ?? 0, nowMs: NOW });
    }
    expect(seen.size).toBe(10_000);
    expect(page.page).toBe(page.pageCount - 1);
    let back = 0;
    for (;;) {
      const prev = buttons(page).find((b) => b.action_id === NODES_PREV_ACTION_ID);
      if (!prev) break;
      const value = decodePageValue(prev.value);
      page = renderNodesPage(nodes, { filter: value?.filter ?? '', page: value?.page ?? 0, nowMs: NOW });
      expectSafeMessage(page);
      back++;
    }
    expect(page.page).toBe(0);
    expect(back).toBe(page.pageCount - 1);
  }, 60_000);

  it('orders online nodes first, then pending, then by name', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(i));
    const first = renderNodesPage(nodes, { filter: '', page: 0, pageSize: 20, nowMs: NOW });
    const ids = nodeIdsOn(first);
    const online = nodes.filter((n) => n.connected).length;
    expect(ids.slice(0, online).every((id) => nodes.find((n) => n.nodeId === id)?.connected)).toBe(true);
    // Offline pending nodes 7, 14 and 28 come next, by name: host-14 < host-28 < host-7.
    expect(ids.slice(online, online + 3)).toEqual(['node00000014', 'node00000028', 'node00000007']);
  });

  it('renders one page of 10,000 nodes in well under 50 ms', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => node(i, { displayName: `h${(i * 7919) % 10_000}` }));
    renderNodesPage(nodes, { filter: '', page: 0, nowMs: NOW });
    const started = performance.now();
    for (let i = 0; i < 5; i++) renderNodesPage(nodes, { filter: i % 2 ? 'h1' : '', page: i * 50, nowMs: NOW });
    expect((performance.now() - started) / 5).toBeLessThan(50);
  });

  it('keeps pages valid with long, hostile fields and the largest page size', () => {
    const nodes = Array.from({ length: 200 }, (_, i) => {
      const text = HOSTILE[i % HOSTILE.length] ?? '';
      return node(i, {
        nodeId: `${text}${i}`,
        displayName: text,
        platform: text,
        version: text,
        remoteIp: text,
        approvalState: text,
      });
    });
    for (let p = 0; p < 10; p++) {
      const page = renderNodesPage(nodes, { filter: '', page: p, pageSize: 1_000, nowMs: NOW });
      expectSafeMessage(page);
      expect(page.pageCount).toBe(10);
    }
  });

  it('clamps the filter carried by the buttons and keeps values under 2000 characters', () => {
    const filter = `${'"\u0000'.repeat(5_000)}`;
    const nodes = Array.from({ length: 50 }, (_, i) => node(i, { displayName: `${filter}${i}` }));
    const page = renderNodesPage(nodes, { filter, page: 1, nowMs: NOW });
    expectSafeMessage(page);
    for (const button of buttons(page)) {
      expect(button.value.length).toBeLessThanOrEqual(2000);
      expect(decodePageValue(button.value)?.filter.length).toBe(200);
    }
  });

  it('clamps bad page numbers and page sizes', () => {
    const nodes = Array.from({ length: 25 }, (_, i) => node(i));
    expect(renderNodesPage(nodes, { filter: '', page: 99, nowMs: NOW }).page).toBe(2);
    expect(renderNodesPage(nodes, { filter: '', page: -4, nowMs: NOW }).page).toBe(0);
    expect(renderNodesPage(nodes, { filter: '', page: Number.NaN, nowMs: NOW }).page).toBe(0);
    expect(renderNodesPage(nodes, { filter: '', page: 0, pageSize: 0, nowMs: NOW }).pageCount).toBe(25);
  });
});
