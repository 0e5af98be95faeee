import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { GatewayRuntime } from '../runtime/gateways.js';
import type { Storage } from '../storage/ports.js';
import { type Coordinator, ReplicaCoordinator, SoloCoordinator } from './coordinator.js';
import { leaseTiming } from './lease-keeper.js';

export type { Coordinator } from './coordinator.js';

/** What either coordinator needs. */
export interface CoordinatorInput {
  readonly gateways: readonly GatewayRuntime[];
  readonly storage: Storage;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly deliver: () => void;
  readonly replicaId: string;
  readonly leaseTtlMs: number;
  readonly pollEveryMs?: number | undefined;
}

/** `solo`: this process does all background work; `replicas`: leases on a storage replicas share. */
export function createCoordinator(mode: 'solo' | 'replicas', input: CoordinatorInput): Coordinator {
  const { storage } = input;
  if (mode === 'solo') return new SoloCoordinator(input);
  if (!storage.leases || !storage.notices) {
    throw new Error('replicas need a storage that several processes share (PostgreSQL: set DATABASE_URL)');
  }
  return new ReplicaCoordinator({
    ...input,
    leases: storage.leases,
    notices: storage.notices,
    timing: leaseTiming(input.leaseTtlMs),
    ...(input.pollEveryMs !== undefined ? { pollEveryMs: input.pollEveryMs } : {}),
  });
}
