/**
 * Risk by allowlist: a node command is ordinary only when it is on a short built-in list of harmless read-only
 * status commands or matches OPENCLAW_ORDINARY_COMMANDS. Everything else is admin-sensitive, and commands that
 * run code or drive input are off unless OPENCLAW_ALLOW_SYSTEM_RUN=true.
 */
import type { PairingRequest } from '../pairing/types.js';
import { matchesPattern } from './glob.js';

/** `ordinary`: any invoker; `sensitive`: admin + confirmation; `exec`: like sensitive, and only with OPENCLAW_ALLOW_SYSTEM_RUN. */
export type CommandRisk = 'ordinary' | 'sensitive' | 'exec';

/**
 * Commands known to be harmless: read-only status, no file contents, no input, no capture, no messages.
 * `ollama.models` lists local models (checked in the gateway's code); `device.info`/`device.status` are the
 * mobile apps' read-only device data (per the OpenClaw docs).
 */
export const BUILTIN_ORDINARY_COMMANDS: readonly string[] = ['ollama.models', 'device.info', 'device.status'];

/** Patterns of commands that execute code or drive input; OPENCLAW_ORDINARY_COMMANDS cannot make these ordinary. */
export const EXEC_COMMAND_PATTERNS: readonly string[] = [
  'system.run',
  'system.run.prepare',
  'computer.act',
  'terminal.*',
  'browser.proxy*',
  'mcp.tools.call*',
  'agent.cli.*',
  'anthropic.claude.terminal.*',
  'mobile.ui.act',
];

export interface CommandPolicyOptions {
  /** OPENCLAW_ORDINARY_COMMANDS: extra globs of harmless commands. */
  readonly ordinary: readonly string[];
  readonly allowSystemRun: boolean;
}

/** Classifies node commands and pairing requests; pure and cheap. */
export class CommandPolicy {
  constructor(private readonly options: CommandPolicyOptions) {}

  get allowSystemRun(): boolean {
    return this.options.allowSystemRun;
  }

  /** The risk of invoking (or being granted) `command`. Unknown commands are sensitive. */
  riskOf(command: string): CommandRisk {
    if (EXEC_COMMAND_PATTERNS.some((p) => matchesPattern(command, p))) return 'exec';
    if (BUILTIN_ORDINARY_COMMANDS.includes(command)) return 'ordinary';
    if (this.options.ordinary.some((p) => matchesPattern(command, p))) return 'ordinary';
    return 'sensitive';
  }

  /** The commands of a request that are not ordinary (every one of them is listed on its card). */
  sensitiveCommands(request: PairingRequest): string[] {
    return request.commands.filter((c) => this.riskOf(c) !== 'ordinary');
  }

  /** True when deciding the request needs an admin. */
  isAdminSensitive(request: PairingRequest): boolean {
    if (request.kind === 'device') {
      // operator.write alone relays system.run through node.invoke, and operator.pairing approves other devices:
      // only a read-only operator device is ordinary.
      const beyondRead = request.scopes.some((scope) => scope !== 'operator.read');
      return beyondRead || request.role === 'node' || request.roles.includes('node');
    }
    return request.requiredApproveScopes.includes('operator.admin') || this.sensitiveCommands(request).length > 0;
  }
}
