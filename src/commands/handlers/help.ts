import { COMMAND_SPECS } from '../parse/command-catalog.js';
import type { Command } from '../parse/parse-command.js';
import { holdsTier, tierOf } from '../policy/access.js';
import { renderHelp, renderRemovedCommand } from '../render/render-help.js';
import type { CommandHandler } from './handler.js';

/** `help`: only the commands the caller may run. */
export const help: CommandHandler<'help'> = ({ tiers }) =>
  renderHelp(COMMAND_SPECS.filter((spec) => holdsTier(tiers, tierOf(spec.command as Command['kind']))));

/** `pair-request` / `pair-verify`: seed names the gateway removed. */
export const removed: CommandHandler<'removed'> = ({ command }) => renderRemovedCommand(command.name);
