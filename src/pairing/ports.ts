import type { DevicePairList, NodePairList } from '../gateway/schemas.js';

/** What the pairing domain needs from the gateway session (NodeManager + GatewayClient satisfy it). */
export interface PairingGateway {
  pairList(): Promise<NodePairList>;
  devicePairList(): Promise<DevicePairList>;
  pairApprove(requestId: string): Promise<unknown>;
  pairReject(requestId: string): Promise<unknown>;
  devicePairApprove(requestId: string): Promise<unknown>;
  devicePairReject(requestId: string): Promise<unknown>;
}

/** Gateway events and the resync signal. */
export interface GatewayEvents {
  on(event: string, handler: (payload: unknown) => void): () => void;
  onResync(handler: (reason: string) => void): () => void;
}

/** Decides whether a Slack user belongs to any of the configured principals (user ids or user group ids). */
export type MembershipCheck = (userId: string, principals: readonly string[]) => Promise<boolean>;
