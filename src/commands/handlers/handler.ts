import type { Answer, CommandDeps } from '../command-context.js';
import type { Command } from '../parse/parse-command.js';
import type { Tier } from '../policy/access.js';

/** One parsed, allowed command on its way to its handler. */
export interface CommandRequest<K extends Command['kind'] = Command['kind']> {
  readonly deps: CommandDeps;
  readonly command: Extract<Command, { kind: K }>;
  readonly userId: string;
  readonly tiers: readonly Tier[];
  /** The policy asks for a confirmation step before anything runs. */
  readonly confirm: boolean;
  /** `--gateway <id>`: undefined means every gateway (or the only one). */
  readonly gatewayId: string | undefined;
}

/** Runs one subcommand; throws typed errors (the runner turns them into answers). */
export type CommandHandler<K extends Command['kind'] = Command['kind']> = (
  request: CommandRequest<K>,
) => Answer | Promise<Answer>;
