import type { DevicePairRequest, NodePairRequest, PairedNode } from '../gateway/schemas.js';
import type { PairingRequest } from './types.js';

/** Maps a gateway node pairing request to the bot's request; `paired` is the node's approved surface, if any. */
export function toNodeRequest(raw: NodePairRequest, paired: PairedNode | undefined, nowMs: number): PairingRequest {
  return {
    kind: 'node',
    requestId: raw.requestId,
    subjectId: raw.nodeId,
    displayName: raw.displayName,
    platform: raw.platform,
    version: raw.version,
    clientId: raw.clientId,
    clientMode: raw.clientMode,
    deviceFamily: raw.deviceFamily,
    remoteIp: raw.remoteIp,
    caps: raw.caps,
    commands: raw.commands,
    requiredApproveScopes: raw.requiredApproveScopes,
    role: undefined,
    roles: [],
    scopes: [],
    isRepair: raw.isRepair === true || paired !== undefined,
    previouslyApproved: paired ? { caps: paired.caps, commands: paired.commands } : undefined,
    requestedAtMs: raw.ts ?? nowMs,
  };
}

/** Maps a gateway device pairing request to the bot's request. */
export function toDeviceRequest(raw: DevicePairRequest, nowMs: number): PairingRequest {
  return {
    kind: 'device',
    requestId: raw.requestId,
    subjectId: raw.deviceId,
    displayName: raw.displayName,
    platform: raw.platform,
    version: undefined,
    clientId: raw.clientId,
    clientMode: raw.clientMode,
    deviceFamily: undefined,
    remoteIp: raw.remoteIp,
    caps: [],
    commands: [],
    requiredApproveScopes: [],
    role: raw.role,
    roles: raw.roles,
    scopes: raw.scopes,
    isRepair: raw.isRepair === true,
    previouslyApproved: undefined,
    requestedAtMs: raw.ts ?? nowMs,
  };
}
