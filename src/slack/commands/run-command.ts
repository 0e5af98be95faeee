import { decideAccess, holdsTier, tierOf } from '../../commands/access.js';
import { COMMAND_SPECS } from '../../commands/command-catalog.js';
import { type Command, parseCommand } from '../../commands/parse-command.js';
import { renderDescribe } from '../../commands/render-describe.js';
import { renderError } from '../../commands/render-error.js';
import { renderHelp, renderRemovedCommand } from '../../commands/render-help.js';
import { renderNodesPage } from '../../commands/render-nodes.js';
import { renderPresence } from '../../commands/render-presence.js';
import { GatewayClosedError } from '../../errors.js';
import { describeDecisionError } from '../../pairing/decider.js';
import { describeResult } from '../decision-notes.js';
import { escapeMrkdwn } from '../escape.js';
import { type Answer, type CommandDeps, resolveTiers } from './command-context.js';
import { renderConfirmation } from './confirmation.js';
import { findNode } from './find-node.js';
import { runInvoke } from './invoke.js';
import { renderNotice } from './notice.js';
import { renderPending } from './pending.js';

/** Runs one `/openclaw` text for `userId` and returns the answer; never throws. */
export async function runCommand(deps: CommandDeps, text: string, userId: string): Promise<Answer> {
  const parsed = parseCommand(text);
  if (!parsed.ok) return renderError(parsed.error, 'Try `/openclaw help`.');
  const tiers = await resolveTiers(deps, userId);
  const decision = decideAccess(parsed.command, { ...deps.access, callerTiers: tiers });
  if (!decision.allowed) {
    audit(deps, userId, parsed.command, 'refused', decision.message);
    return renderError(`Not allowed: ${decision.message}`);
  }
  try {
    const answer = await execute(deps, parsed.command, userId, tiers, decision.confirm);
    return { ...answer, share: parsed.share };
  } catch (err) {
    return describeFailure(deps, err);
  }
}

async function execute(
  deps: CommandDeps,
  command: Command,
  userId: string,
  tiers: Awaited<ReturnType<typeof resolveTiers>>,
  confirm: boolean,
): Promise<Answer> {
  switch (command.kind) {
    case 'help':
      return renderHelp(
        COMMAND_SPECS.filter((spec) => holdsTier(tiers, tierOf(spec.command as Command['kind']) ?? 'everyone')),
      );
    case 'removed':
      return renderRemovedCommand(command.name);
    case 'presence':
      return renderPresence(await deps.nodes.systemPresence(), deps.gatewayStatus(), deps.nowMs());
    case 'nodes': {
      const nodes = await deps.directory.list();
      return renderNodesPage(nodes, { filter: command.filter, page: 0, nowMs: deps.nowMs() });
    }
    case 'describe': {
      const found = await findNode(deps, command.node);
      if (!found.ok) return found.answer;
      // node.list carries the same node object node.describe returns: no second round trip.
      return renderDescribe(found.node, deps.nowMs());
    }
    case 'invoke':
      return runInvoke(deps, command, userId, confirm);
    case 'rename': {
      const found = await findNode(deps, command.node);
      if (!found.ok) return found.answer;
      await deps.nodes.rename(found.node.nodeId, command.name);
      deps.directory.invalidate();
      audit(deps, userId, command, 'ok', `${found.node.nodeId} renamed`);
      return renderNotice('Renamed.', `Node ${found.node.nodeId.slice(0, 12)} is now called ${command.name}.`);
    }
    case 'pending':
      return renderPending(deps);
    case 'approve':
    case 'reject':
      return decideById(deps, command.kind, command.requestId, userId);
    case 'remove': {
      const found = await findNode(deps, command.node);
      if (!found.ok) return found.answer;
      const id = deps.newId();
      deps.store.createConfirmation(id, userId, 'remove', { nodeId: found.node.nodeId }, deps.nowMs());
      return renderConfirmation({
        id,
        title: 'Remove this node?',
        lines: [
          `Node *${escapeMrkdwn(found.node.displayName ?? '(unnamed)')}* (\`${escapeMrkdwn(found.node.nodeId.slice(0, 12))}\`) will be unpaired and disconnected.`,
        ],
        confirmLabel: 'Remove node',
      });
    }
  }
}

async function decideById(
  deps: CommandDeps,
  kind: 'approve' | 'reject',
  requestId: string,
  userId: string,
): Promise<Answer> {
  const record = deps.store.get('node', requestId) ?? deps.store.get('device', requestId);
  if (!record)
    return renderError(`No pending request ${requestId} is known.`, 'See `/openclaw pending` for what is waiting.');
  const result = await deps.decider.decide({
    kind: record.kind,
    requestId: record.requestId,
    fingerprint: record.fingerprint,
    userId,
    decision: kind,
  });
  await deps.syncCards().catch(() => undefined);
  if (result.outcome === 'decided') {
    return renderNotice(kind === 'approve' ? 'Approved.' : 'Rejected.', 'The card in the pairing channel is updated.');
  }
  return renderError(describeResult(result) ?? 'Done.');
}

function describeFailure(deps: CommandDeps, err: unknown): Answer {
  if (err instanceof GatewayClosedError) {
    const status = deps.gatewayStatus();
    return renderError(
      `The gateway is unreachable (${status.state} since ${new Date(status.sinceMs).toISOString()}).`,
      status.pause ? status.pause.hint : 'The bot keeps retrying; try again in a moment.',
    );
  }
  deps.log.warn({ err }, 'slash command failed');
  // invoke handles its own errors (with the node's wording); everything else is a refused or failed gateway call.
  return renderError(describeDecisionError(err));
}

/** Audits mutating commands (and refusals of them). */
export function audit(
  deps: CommandDeps,
  userId: string,
  command: Command,
  outcome: 'ok' | 'refused' | 'failed',
  detail?: string,
): void {
  if (tierOf(command.kind) === 'everyone') return;
  deps.store.appendAudit({
    atMs: deps.nowMs(),
    actor: userId,
    action: command.kind === 'invoke' ? `invoke ${command.command}` : command.kind,
    target: 'node' in command ? command.node : 'requestId' in command ? command.requestId : '',
    outcome,
    detail,
  });
}
