import { renderError } from '../../commands/render-error.js';
import type { Answer, CommandDeps } from './command-context.js';

/** The answer of a command that needs the gateway while it is down: since when, the last error, what to do. */
export function renderGatewayDown(deps: CommandDeps, what = 'This needs the gateway'): Answer {
  const status = deps.gatewayStatus();
  const last = status.lastError ? ` Last error: ${status.lastError}.` : '';
  return renderError(
    `${what}, and the gateway is unreachable (${status.state} since ${new Date(status.sinceMs).toISOString()}).${last}`,
    status.pause ? status.pause.hint : 'The bot keeps retrying; try again in a moment.',
  );
}
