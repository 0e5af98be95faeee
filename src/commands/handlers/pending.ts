import { renderPairingDigest } from '../../slack/blocks/pairing-digest.js';
import { selectGateways } from '../command-context.js';
import { describeDown, renderGatewayDown } from '../render/gateway-down.js';
import { renderNotice } from '../render/notice.js';
import type { CommandHandler } from './handler.js';

/** Pending requests of every (or the named) gateway with Review buttons; never "nothing" while a gateway is down. */
export const pending: CommandHandler<'pending'> = async ({ deps, gatewayId }) => {
  const selected = selectGateways(deps, gatewayId);
  if (!selected.ok) return selected.answer;
  // Exec approvals have their own list (`/openclaw approvals`).
  const waiting = (await deps.storage.requests.listByStatus('pending', gatewayId)).filter(
    (r) => r.kind !== 'exec' && selected.gateways.some((g) => g.id === r.gateway),
  );
  const down = selected.gateways.filter((g) => !g.client.isConnected);
  const [firstDown] = down;
  if (waiting.length === 0) {
    if (!firstDown) return renderNotice('Nothing is waiting for approval.');
    if (down.length === selected.gateways.length && down.length === 1)
      return renderGatewayDown(
        firstDown.client.getStatus(),
        deps.gateways.label(firstDown.id),
        'The bot cannot tell what is waiting for approval',
      );
  }
  const notices = down.map(
    (g) => `${describeDown(g.client.getStatus(), deps.gateways.label(g.id))} This is what the bot saw last.`,
  );
  if (waiting.length === 0) return renderNotice('Nothing is waiting on the gateways that are up.', notices.join(' '));
  return renderPairingDigest(waiting, {
    ...deps.cardContext(),
    ...(notices.length ? { notice: notices.join(' ') } : {}),
  });
};
