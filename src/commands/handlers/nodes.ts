import { GatewayClosedError } from '../../errors.js';
import { type FleetSummary, summarizeFleet } from '../../fleet/fleet-summary.js';
import type { PresenceEntry } from '../../gateway/schemas.js';
import type { GatewayRuntime } from '../../runtime/gateways.js';
import { context } from '../../slack/blocks/block-kit.js';
import { type Answer, type CommandDeps, selectGateways } from '../command-context.js';
import { findNode } from '../find-node.js';
import { renderGatewayDown } from '../render/gateway-down.js';
import { renderDescribe } from '../render/render-describe.js';
import { type ListedNode, renderNodesPage } from '../render/render-nodes.js';
import { renderPresenceOf } from '../render/render-presence.js';
import type { CommandHandler } from './handler.js';

/** `presence`: who is connected on each gateway, and the bot's own sessions; a gateway that is down says so. */
export const presence: CommandHandler<'presence'> = async ({ deps, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const parts = await Promise.all(
    selected.gateways.map(async (g) => {
      const session = g.client.getStatus();
      const entries: PresenceEntry[] | undefined = await g.nodes.systemPresence().catch((err: unknown) => {
        if (err instanceof GatewayClosedError) return undefined;
        throw err;
      });
      return {
        label: deps.gateways.label(g.id),
        entries,
        session,
        fleet: await fleetOf(deps, g, entries !== undefined),
      };
    }),
  );
  const [only] = parts;
  if (parts.length === 1 && only && !only.entries) return renderGatewayDown(only.session, only.label);
  return renderPresenceOf(parts, deps.nowMs());
};

/**
 * One gateway's fleet summary for `presence`: the model (one node.list when it is out of step and the gateway is
 * up, else what it last knew), open alerts and pending requests; undefined parts when the store cannot be read.
 */
async function fleetOf(deps: CommandDeps, g: GatewayRuntime, up: boolean): Promise<FleetSummary> {
  const nodes = up ? await g.directory.list().catch(() => g.directory.current()) : g.directory.current();
  const [openAlerts, pending] = await Promise.all([
    deps.storage.alerts.listOpen(g.id).catch(() => []),
    deps.storage.requests
      .listByStatus('pending', g.id)
      .then((records) => records.filter((r) => r.kind !== 'exec').length)
      .catch(() => undefined),
  ]);
  return summarizeFleet({ gateway: g.id, nodes, openAlerts, pending });
}

/** The node alert kinds open per node (the list still answers when the store cannot be read). */
async function openAlertsByNode(deps: CommandDeps, gateway: string): Promise<Map<string, string[]>> {
  const byNode = new Map<string, string[]>();
  const open = await deps.storage.alerts.listOpen(gateway).catch(() => []);
  for (const alert of open)
    for (const n of alert.nodes)
      if (!alert.recovered.includes(n.nodeId)) byNode.set(n.nodeId, [...(byNode.get(n.nodeId) ?? []), alert.kind]);
  return byNode;
}

/** `nodes [filter]`: the first page of the fleet, every gateway's nodes (named when several). */
export const nodes: CommandHandler<'nodes'> = ({ deps, command, gatewayId }) =>
  renderNodesFor(deps, { filter: command.filter, page: 0, gatewayId });

/** One page of the nodes of the selected gateways (the `nodes` answer and its Previous/Next buttons). */
export async function renderNodesFor(
  deps: CommandDeps,
  want: { readonly filter: string; readonly page: number; readonly gatewayId: string | undefined },
): Promise<Answer> {
  const { filter, page: pageNumber, gatewayId } = want;
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const listed: ListedNode[] = [];
  const down: string[] = [];
  for (const g of selected.gateways) {
    try {
      const label = deps.gateways.label(g.id);
      const nodes = await g.directory.list();
      const open = await openAlertsByNode(deps, g.id);
      for (const node of nodes) {
        const alerts = open.get(node.nodeId);
        listed.push({ ...node, ...(label ? { gateway: label } : {}), ...(alerts ? { alerts } : {}) });
      }
    } catch (err) {
      if (!(err instanceof GatewayClosedError) || selected.gateways.length === 1) throw err;
      down.push(g.id);
    }
  }
  const page = renderNodesPage(listed, { filter, page: pageNumber, nowMs: deps.nowMs(), gateway: gatewayId });
  if (down.length === 0) return page;
  const note = `⚠️ Not listed: ${down.map((id) => `${id} (unreachable)`).join(', ')}.`;
  return { ...page, blocks: [...page.blocks, context('nodes.down', [note])] };
}

/** `describe <node>`: node.list carries the same node object node.describe returns, so no second round trip. */
export const describe: CommandHandler<'describe'> = async ({ deps, command, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  const found = await findNode(deps, command.node, selected.gateways);
  return found.ok ? renderDescribe(found.node, deps.nowMs(), deps.policy) : found.answer;
};
