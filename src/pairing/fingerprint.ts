/** Fingerprint of what approving a pairing request would grant; carried in button values to catch changed requests. */
import { createHash } from 'node:crypto';
import type { PairingRequest } from './types.js';

const FINGERPRINT_VERSION = 'v1';

function sortedSet(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

/** Returns 16 hex chars of sha256 over the approval-defining fields; list order and duplicates do not matter. */
export function fingerprintRequest(request: PairingRequest): string {
  const material = [
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
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 16);
}
