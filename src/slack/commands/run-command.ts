import { AUDIT_UNAVAILABLE_MESSAGE } from '../../audit/audit-log.js';
import { decideAccess, holdsTier, type Tier, tierOf } from '../../commands/access.js';
import { COMMAND_SPECS } from '../../commands/command-catalog.js';
import { type Command, parseCommand } from '../../commands/parse-command.js';
import { renderAudit } from '../../commands/render-audit.js';
import { renderDescribe } from '../../commands/render-describe.js';
import { renderError } from '../../commands/render-error.js';
import { renderHelp, renderRemovedCommand } from '../../commands/render-help.js';
import { renderNodesPage } from '../../commands/render-nodes.js';
import { renderPresence } from '../../commands/render-presence.js';
import { AppError, ErrorCode, GatewayClosedError } from '../../errors.js';
import { describeDecisionError } from '../../pairing/decider.js';
import { renderPairingCard } from '../blocks/pairing-card.js';
import { describeResult } from '../decision-notes.js';
import { escapeMrkdwn, oneLine } from '../escape.js';
import { nodeTarget, runAudited } from './audited.js';
import { type Answer, type CommandDeps, resolveTiers } from './command-context.js';
import { renderConfirmation } from './confirmation.js';
import { findNode } from './find-node.js';
import { renderGatewayDown } from './gateway-down.js';
import { runInvoke } from './invoke.js';
import { renderNotice } from './notice.js';
import { renderPending } from './pending.js';

/** Runs one `/openclaw` text for `userId` and returns the answer; never throws. */
export async function runCommand(deps: CommandDeps, text: string, userId: string): Promise<Answer> {
  const parsed = parseCommand(text);
  if (!parsed.ok) return renderError(parsed.error, 'Try `/openclaw help`.');
  const tiers = await resolveTiers(deps, userId);
  const decision = checkAccess(deps, parsed.command, tiers);
  if (!decision.allowed) {
    auditRefusal(deps, userId, parsed.command, decision.message);
    return renderError(`Not allowed: ${decision.message}`);
  }
  try {
    const answer = await execute(deps, parsed.command, userId, tiers, decision.confirm);
    return { ...answer, share: parsed.share };
  } catch (err) {
    return describeFailure(deps, err);
  }
}

/** The access decision for `command` by a caller holding `tiers`, on today's settings. */
export function checkAccess(deps: CommandDeps, command: Command, tiers: readonly Tier[]) {
  return decideAccess(command, { ...deps.access, policy: deps.policy, callerTiers: tiers });
}

async function execute(
  deps: CommandDeps,
  command: Command,
  userId: string,
  tiers: Tier[],
  confirm: boolean,
): Promise<Answer> {
  switch (command.kind) {
    case 'help':
      return renderHelp(COMMAND_SPECS.filter((spec) => holdsTier(tiers, tierOf(spec.command as Command['kind']))));
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
      return renderDescribe(found.node, deps.nowMs(), deps.policy);
    }
    case 'invoke':
      return runInvoke(deps, command, userId, confirm);
    case 'rename': {
      const found = await findNode(deps, command.node);
      if (!found.ok) return found.answer;
      const from = found.node.displayName;
      const entry = { actor: userId, action: 'rename', ...nodeTarget(found.node), params: { from, to: command.name } };
      await runAudited(deps, entry, () => deps.nodes.rename(found.node.nodeId, command.name));
      deps.directory.invalidate();
      return renderNotice('Renamed.', `Node ${found.node.nodeId.slice(0, 12)} is now called ${command.name}.`);
    }
    case 'pending':
      return renderPending(deps);
    case 'approve':
      return reviewById(deps, command.requestId);
    case 'reject':
      return rejectById(deps, command.requestId, userId);
    case 'remove': {
      const found = await findNode(deps, command.node);
      if (!found.ok) return found.answer;
      const id = deps.newId();
      const payload = { nodeId: found.node.nodeId, nodeName: found.node.displayName };
      deps.store.createConfirmation(id, userId, 'remove', payload, deps.nowMs());
      return renderConfirmation({
        id,
        title: 'Remove this node?',
        lines: [
          `Node *${escapeMrkdwn(oneLine(found.node.displayName ?? '(unnamed)'))}* (\`${escapeMrkdwn(found.node.nodeId.slice(0, 12))}\`) will be unpaired and disconnected.`,
        ],
        confirmLabel: 'Remove node',
      });
    }
    case 'audit':
      return renderAudit(deps.store.listAudit(command.limit), deps.nowMs());
  }
}

function findRecord(deps: CommandDeps, requestId: string) {
  return deps.store.get('node', requestId) ?? deps.store.get('device', requestId);
}

const UNKNOWN_REQUEST_HINT = 'See `/openclaw pending` for what is waiting.';

/** `approve <id>` shows the request's whole card first: a decision is only made on a surface that was shown. */
function reviewById(deps: CommandDeps, requestId: string): Answer {
  const record = findRecord(deps, requestId);
  if (!record) return renderError(`No pending request ${requestId} is known.`, UNKNOWN_REQUEST_HINT);
  if (record.status !== 'pending') return renderError(describeResult({ outcome: 'already', record }) ?? 'Done.');
  const card = renderPairingCard(record, deps.cardContext());
  const intro = renderNotice('Review this request, then click Approve (or Reject) below.');
  return { text: card.text, blocks: [...intro.blocks, ...card.blocks] };
}

async function rejectById(deps: CommandDeps, requestId: string, userId: string): Promise<Answer> {
  const record = findRecord(deps, requestId);
  if (!record) return renderError(`No pending request ${requestId} is known.`, UNKNOWN_REQUEST_HINT);
  const result = await deps.decider.decide({
    kind: record.kind,
    requestId: record.requestId,
    fingerprint: record.fingerprint,
    userId,
    decision: 'reject',
  });
  await deps.syncCards().catch(() => undefined);
  if (result.outcome === 'decided') return renderNotice('Rejected.', 'The card in the pairing channel is updated.');
  return renderError(describeResult(result) ?? 'Done.');
}

function describeFailure(deps: CommandDeps, err: unknown): Answer {
  if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE)
    return renderError(AUDIT_UNAVAILABLE_MESSAGE);
  if (err instanceof GatewayClosedError) return renderGatewayDown(deps);
  deps.log.warn({ err }, 'slash command failed');
  // invoke handles its own errors (with the node's wording); everything else is a refused or failed gateway call.
  return renderError(describeDecisionError(err));
}

/** What a command's audit row names as its action, target and params (before the node is resolved). */
export function describeCommand(command: Command): { action: string; target: string; params?: unknown } {
  switch (command.kind) {
    case 'invoke':
      return {
        action: 'invoke',
        target: `ref:${command.node}`,
        params: { command: command.command, params: command.params, timeoutMs: command.timeoutMs },
      };
    case 'rename':
      return { action: 'rename', target: `ref:${command.node}`, params: { to: command.name } };
    case 'describe':
    case 'remove':
      return { action: command.kind, target: `ref:${command.node}` };
    case 'approve':
    case 'reject':
      return { action: `pairing.${command.kind}`, target: `request:${command.requestId}` };
    default:
      return { action: command.kind, target: '' };
  }
}

/** Audits a refused command (only commands beyond everyone's tier: those are the ones that can do harm). */
export function auditRefusal(deps: CommandDeps, userId: string, command: Command, reason: string): void {
  if (tierOf(command.kind) === 'everyone') return;
  const { action, target, params } = describeCommand(command);
  deps.audit.record({ actor: userId, action, gateway: 'default', target, params, outcome: 'refused', detail: reason });
}
