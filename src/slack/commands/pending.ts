import { renderPairingDigest } from '../blocks/pairing-digest.js';
import type { Answer, CommandDeps } from './command-context.js';
import { renderGatewayDown } from './gateway-down.js';
import { renderNotice } from './notice.js';

/** Pending node and device requests with the same Review buttons as digests; never "nothing" while the gateway is down. */
export function renderPending(deps: CommandDeps): Answer {
  const pending = deps.store.listByStatus('pending');
  const status = deps.gatewayStatus();
  const down = status.state !== 'connected';
  if (pending.length === 0) {
    return down
      ? renderGatewayDown(deps, 'The bot cannot tell what is waiting for approval')
      : renderNotice('Nothing is waiting for approval.');
  }
  const notice = down
    ? `The gateway is unreachable (${status.state} since ${new Date(status.sinceMs).toISOString()}): this is what the bot saw last.`
    : undefined;
  return renderPairingDigest(pending, { ...deps.cardContext(), ...(notice ? { notice } : {}) });
}
