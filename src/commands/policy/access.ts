/** Who may run which `/openclaw` command: a pure policy over the command, the caller's tiers and the invoke lists. */
import type { CommandPolicy } from '../../policy/command-policy.js';
import { matchesPattern } from '../../policy/glob.js';
import type { Command } from '../parse/parse-command.js';

/** Access tiers; an admin holds every tier. */
export type Tier = 'everyone' | 'invoker' | 'approver' | 'admin';

/** What the policy needs to know: the caller's tiers and the bot's invoke settings. */
export interface AccessContext {
  /** Tiers the caller holds (from OPENCLAW_INVOKERS / OPENCLAW_APPROVERS / OPENCLAW_ADMINS). */
  readonly callerTiers: readonly Tier[];
  /** Command risk (built-in ordinary list, OPENCLAW_ORDINARY_COMMANDS, OPENCLAW_ALLOW_SYSTEM_RUN). */
  readonly policy: Pick<CommandPolicy, 'riskOf' | 'allowSystemRun'>;
  /** OPENCLAW_INVOKE_ALLOW patterns; empty allows every command. */
  readonly invokeAllow: readonly string[];
  /** OPENCLAW_INVOKE_DENY patterns; a match refuses even admins. */
  readonly invokeDeny: readonly string[];
}

/** The decision: `tier` is what the command needs (`nobody` when settings refuse it for everyone). */
export type AccessDecision =
  | { readonly allowed: true; readonly tier: Tier; readonly confirm: boolean }
  | { readonly allowed: false; readonly tier: Tier | 'nobody'; readonly message: string };

const BASE_TIER: Readonly<Record<Command['kind'], Tier>> = {
  help: 'everyone',
  presence: 'everyone',
  nodes: 'everyone',
  describe: 'everyone',
  pending: 'everyone',
  removed: 'everyone',
  invoke: 'invoker',
  approve: 'approver',
  reject: 'approver',
  rename: 'approver',
  remove: 'admin',
  audit: 'admin',
  // Lists for everyone (buttons only decide for OPENCLAW_EXEC_APPROVERS); the gateway's history is for admins.
  approvals: 'everyone',
  'approvals-history': 'admin',
};

const GRANT: Readonly<Record<Exclude<Tier, 'everyone'>, string>> = {
  invoker:
    'an invoker (or admin). An admin grants it by adding your Slack user id or a group you are in to OPENCLAW_INVOKERS',
  approver:
    'an approver (or admin). An admin grants it by adding your Slack user id or a group you are in to OPENCLAW_APPROVERS',
  admin: 'an admin. Admins are the Slack user ids and groups listed in OPENCLAW_ADMINS',
};

/** The base tier of a subcommand (invoke's real tier depends on the command invoked). */
export function tierOf(kind: Command['kind']): Tier {
  return BASE_TIER[kind];
}

/** True when a caller holding `held` satisfies `needed`. */
export function holdsTier(held: readonly Tier[], needed: Tier): boolean {
  return needed === 'everyone' || held.includes('admin') || held.includes(needed);
}

function refuseInvoke(command: string, ctx: AccessContext): AccessDecision | undefined {
  const denied = ctx.invokeDeny.find((p) => matchesPattern(command, p));
  if (denied !== undefined) {
    const message = `${command} is blocked by OPENCLAW_INVOKE_DENY (pattern "${denied.trim()}"); only an admin can change that list in the bot's settings`;
    return { allowed: false, tier: 'nobody', message };
  }
  if (ctx.invokeAllow.length > 0 && !ctx.invokeAllow.some((p) => matchesPattern(command, p))) {
    const message = `${command} is not in OPENCLAW_INVOKE_ALLOW; an admin can add it (or a pattern such as "${command.split('.')[0]}.*") to that list`;
    return { allowed: false, tier: 'nobody', message };
  }
  if (ctx.policy.riskOf(command) === 'exec' && !ctx.policy.allowSystemRun) {
    const message = `${command} runs code or drives input on the node, which is turned off on this bot. An admin can turn it on with OPENCLAW_ALLOW_SYSTEM_RUN=true; even then only admins may run it, after a confirmation`;
    return { allowed: false, tier: 'nobody', message };
  }
  return undefined;
}

function label(command: Command): string {
  return command.kind === 'invoke' ? `invoke ${command.command}` : command.kind;
}

/** Decides whether the caller may run `command`; a refusal says which tier is needed and how it is granted. */
export function decideAccess(command: Command, ctx: AccessContext): AccessDecision {
  let tier = BASE_TIER[command.kind];
  let confirm = false;
  if (command.kind === 'invoke') {
    const refused = refuseInvoke(command.command, ctx);
    if (refused) return refused;
    // Deny by default: anything not known to be harmless needs an admin and a confirmation.
    if (ctx.policy.riskOf(command.command) !== 'ordinary') {
      tier = 'admin';
      confirm = true;
    }
  }
  if (holdsTier(ctx.callerTiers, tier)) return { allowed: true, tier, confirm };
  const why =
    command.kind === 'invoke' && tier === 'admin'
      ? ' (it is not on the list of harmless read-only commands; see OPENCLAW_ORDINARY_COMMANDS)'
      : '';
  const grant = tier === 'everyone' ? '' : GRANT[tier];
  return { allowed: false, tier, message: `${label(command)}${why} needs ${grant}.` };
}
