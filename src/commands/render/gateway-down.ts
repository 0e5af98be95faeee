import type { GatewayStatus } from '../../gateway/gateway-client.js';
import type { Answer } from '../command-context.js';
import { renderError } from './render-error.js';

/** "the gateway prod is unreachable (reconnecting since …). Last error: …" (plain text). */
export function describeDown(status: GatewayStatus, label: string | undefined): string {
  const last = status.lastError ? ` Last error: ${status.lastError}.` : '';
  const name = label ? `the gateway ${label}` : 'the gateway';
  return `${name} is unreachable (${status.state} since ${new Date(status.sinceMs).toISOString()}).${last}`;
}

/** The answer of a command that needs a gateway while it is down: since when, the last error, what to do. */
export function renderGatewayDown(
  status: GatewayStatus,
  label: string | undefined,
  what = 'This needs the gateway',
): Answer {
  return renderError(
    `${what}, and ${describeDown(status, label)}`,
    status.pause ? status.pause.hint : 'The bot keeps retrying; try again in a moment.',
  );
}
