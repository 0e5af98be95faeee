/** Who may run which `/openclaw` command: a pure policy over the command, the caller's tiers and the invoke lists. */
import { ADMIN_SENSITIVE_COMMANDS } from '../pairing/types.js';
import type { Command } from './parse-command.js';

/** Access tiers; an admin holds every tier. */
export type Tier = 'everyone' | 'invoker' | 'approver' | 'admin';

/** What the policy needs to know: the caller's tiers and the bot's invoke settings. */
export interface AccessContext {
  /** Tiers the caller holds (from OPENCLAW_INVOKERS / OPENCLAW_APPROVERS / OPENCLAW_ADMINS). */
  readonly callerTiers: readonly Tier[];
  readonly allowSystemRun: boolean;
  /** OPENCLAW_INVOKE_ALLOW patterns; empty allows every command. */
  readonly invokeAllow: readonly string[];
  /** OPENCLAW_INVOKE_DENY patterns; a match refuses even admins. */
  readonly invokeDeny: readonly string[];
}

/** The decision: `tier` is what the command needs (`nobody` when settings refuse it for everyone). */
export type AccessDecision =
  | { readonly allowed: true; readonly tier: Tier; readonly confirm: boolean }
  | { readonly allowed: false; readonly tier: Tier | 'nobody'; readonly message: string };

/** Commands that run shell commands on the node: off unless OPENCLAW_ALLOW_SYSTEM_RUN, then admin + confirmation. */
export const SYSTEM_RUN_COMMANDS: ReadonlySet<string> = new Set(['system.run', 'system.run.prepare']);

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
};

const GRANT: Readonly<Record<Exclude<Tier, 'everyone'>, string>> = {
  invoker:
    'an invoker (or admin). An admin grants it by adding your Slack user id or a group you are in to OPENCLAW_INVOKERS',
  approver:
    'an approver (or admin). An admin grants it by adding your Slack user id or a group you are in to OPENCLAW_APPROVERS',
  admin: 'an admin. Admins are the Slack user ids and groups listed in OPENCLAW_ADMINS',
};

/** True when `command` matches a glob `pattern` (`*` = any characters, case-insensitive, whole name). */
export function matchesPattern(command: string, pattern: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed === '') return false;
  const source = trimmed
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(command);
}

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
  if (SYSTEM_RUN_COMMANDS.has(command) && !ctx.allowSystemRun) {
    const message = `${command} is turned off on this bot. An admin can turn it on with OPENCLAW_ALLOW_SYSTEM_RUN=true; even then only admins may run it, after a confirmation`;
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
    if (ADMIN_SENSITIVE_COMMANDS.has(command.command)) tier = 'admin';
    confirm = SYSTEM_RUN_COMMANDS.has(command.command);
  }
  if (holdsTier(ctx.callerTiers, tier)) return { allowed: true, tier, confirm };
  const why = command.kind === 'invoke' && tier === 'admin' ? ' (it hands out shell, file or browser access)' : '';
  const grant = tier === 'everyone' ? '' : GRANT[tier];
  return { allowed: false, tier, message: `${label(command)}${why} needs ${grant}.` };
}
