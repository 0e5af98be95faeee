import { LeaseLostError } from '../../errors.js';
import type { FencedStores } from '../../storage/ports.js';

/**
 * Which gateways' Slack work this process does, and the stores to write that work through. A single instance does
 * every gateway's; a replica only those whose lease it holds (writes fenced by the lease, see src/replicas/).
 */
export interface DeliveryScope {
  /** The gateways delivered for now; undefined means every gateway. */
  gateways(): readonly string[] | undefined;
  /** The stores for `gateway`'s work; throws LeaseLostError when this process no longer does it. */
  storesFor(gateway: string): FencedStores;
  /** Checked right before each Slack call for `gateway`: false once the work has passed to another process. */
  owns(gateway: string): boolean;
}

/** One process does everything, through the storage itself. */
export function wholeScope(storage: FencedStores): DeliveryScope {
  return { gateways: () => undefined, storesFor: () => storage, owns: () => true };
}

/** Throws LeaseLostError unless `scope` still owns every one of `gateways` (before a Slack call). */
export function assertOwned(scope: DeliveryScope, gateways: Iterable<string>): void {
  for (const gateway of gateways) if (!scope.owns(gateway)) throw new LeaseLostError(`gateway:${gateway}`);
}
