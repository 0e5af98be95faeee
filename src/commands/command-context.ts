import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { WorkflowConfig } from '../config/workflow.js';
import type { MembershipCheck } from '../pairing/ports.js';
import type { CommandPolicy } from '../policy/command-policy.js';
import type { GatewayRuntime, Gateways } from '../runtime/gateways.js';
import type { Attachment } from '../slack/attach-output.js';
import type { RenderedMessage } from '../slack/blocks/block-kit.js';
import type { CardContext } from '../slack/blocks/pairing-card.js';
import type { Storage } from '../storage/ports.js';
import type { Command } from './parse/parse-command.js';
import { type AccessDecision, decideAccess, type Tier } from './policy/access.js';
import { renderError } from './render/render-error.js';

/** Everything a slash command may touch. */
export interface CommandDeps {
  gateways: Gateways;
  storage: Pick<Storage, 'requests' | 'confirmations' | 'audit' | 'alerts' | 'outbox'>;
  audit: AuditLog;
  isMember: MembershipCheck;
  access: {
    readonly approvers: readonly string[];
    readonly admins: readonly string[];
    readonly invokers: readonly string[];
    readonly invokeAllow: readonly string[];
    readonly invokeDeny: readonly string[];
  };
  /** Exec approvals: on or off, and who may decide them (OPENCLAW_EXEC_APPROVERS, default the admins). */
  exec: { readonly enabled: boolean; readonly approvers: readonly string[] };
  /** Reasons, two-person rule, approval times (OPENCLAW_REQUIRE_REASON, _TWO_PERSON, _APPROVAL_DURATIONS). */
  workflow: WorkflowConfig;
  /** Command risk: harmless list, OPENCLAW_ORDINARY_COMMANDS, OPENCLAW_ALLOW_SYSTEM_RUN. */
  policy: CommandPolicy;
  /** What pairing cards need to render (deciders, policy, clock, gateway names). */
  cardContext: () => CardContext;
  log: Logger;
  nowMs: () => number;
  newId: () => string;
  syncCards: () => Promise<void>;
}

/** What a command answers: a message, optionally shared in the channel, optionally full output as a file. */
export interface Answer extends RenderedMessage {
  readonly share?: boolean;
  readonly attachment?: Attachment | undefined;
}

/** The Slack tiers a user holds (admins hold everything). */
export async function resolveTiers(deps: CommandDeps, userId: string): Promise<Tier[]> {
  const tiers: Tier[] = ['everyone'];
  if (await deps.isMember(userId, deps.access.invokers)) tiers.push('invoker');
  if (await deps.isMember(userId, deps.access.approvers)) tiers.push('approver');
  if (await deps.isMember(userId, deps.access.admins)) tiers.push('admin');
  return tiers;
}

/** The access decision for `command` by a caller holding `tiers`, on today's settings. */
export function checkAccess(deps: CommandDeps, command: Command, tiers: readonly Tier[]): AccessDecision {
  return decideAccess(command, { ...deps.access, policy: deps.policy, callerTiers: tiers });
}

/**
 * The gateways a command covers: the one `--gateway` named, else every gateway. An unknown id is an answer that
 * lists the configured ones.
 */
export function selectGateways(
  deps: CommandDeps,
  id: string | undefined,
): { ok: true; gateways: readonly GatewayRuntime[] } | { ok: false; answer: Answer } {
  if (id === undefined) return { ok: true, gateways: deps.gateways.all() };
  const found = deps.gateways.get(id);
  if (found) return { ok: true, gateways: [found] };
  return {
    ok: false,
    answer: renderError(`There is no gateway "${id}".`, `Configured gateways: ${deps.gateways.ids().join(', ')}.`),
  };
}
