/** Keyed fingerprint of what approving a pairing request would grant; carried in button values to catch changed requests. */
import { createHmac } from 'node:crypto';
import type { PairingRequest } from './types.js';

const FINGERPRINT_VERSION = 'v2';
/** Hex characters kept of the HMAC (96 bits: not guessable without the install's key). */
const FINGERPRINT_CHARS = 24;
/** Shortest key accepted (bytes). */
export const FINGERPRINT_KEY_MIN_BYTES = 32;

/** Computes the fingerprint of a request as this install shows it. */
export type Fingerprinter = (request: PairingRequest) => string;

function sortedSet(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

/**
 * Returns a fingerprinter: HMAC-SHA256 under the install's secret key over the approval-defining fields
 * (list order and duplicates do not matter). Without the key nobody can compute a value the decider accepts.
 */
export function createFingerprinter(key: Uint8Array): Fingerprinter {
  if (key.length < FINGERPRINT_KEY_MIN_BYTES) throw new Error('fingerprint key is too short');
  const secret = Buffer.from(key);
  return (request) => {
    const material: unknown[] = [
      FINGERPRINT_VERSION,
      request.kind,
      request.requestId,
      request.subjectId,
      sortedSet(request.caps),
      sortedSet(request.commands),
      sortedSet(request.requiredApproveScopes),
      request.role ?? null,
      sortedSet(request.roles),
      sortedSet(request.scopes),
    ];
    // Exec requests: a decision is bound to the exact command, where it runs and what may be answered.
    const exec = request.exec;
    if (exec)
      material.push([
        exec.commandText,
        [...exec.argv],
        exec.cwd ?? null,
        exec.host,
        exec.nodeId ?? null,
        exec.agentId ?? null,
        exec.sessionKey ?? null,
        [...exec.allowedDecisions],
        exec.expiresAtMs,
        exec.clipped,
      ]);
    return createHmac('sha256', secret).update(JSON.stringify(material)).digest('hex').slice(0, FINGERPRINT_CHARS);
  };
}
