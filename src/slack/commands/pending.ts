import { renderPairingDigest } from '../blocks/pairing-digest.js';
import type { Answer, CommandDeps } from './command-context.js';
import { renderNotice } from './notice.js';

/** Pending node and device requests with the same Approve/Reject buttons as the cards. */
export function renderPending(deps: CommandDeps): Answer {
  const pending = deps.store.listByStatus('pending');
  if (pending.length === 0) return renderNotice('Nothing is waiting for approval.');
  return renderPairingDigest(pending, deps.cardContext());
}
