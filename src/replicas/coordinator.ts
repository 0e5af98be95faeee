import type { Logger } from 'pino';
import { LeaseLostError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { GatewayRuntime } from '../runtime/gateways.js';
import type { DeliveryScope } from '../slack/delivery/delivery-scope.js';
import type { FencedStores, LeaseStore, Storage, WorkNotice, WorkNotices } from '../storage/ports.js';
import { LeaseKeeper, type LeaseTiming } from './lease-keeper.js';

/** Who does each gateway's background work in this process, as the delivery loop and /readyz see it. */
export interface Coordinator extends DeliveryScope {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Per gateway: whether this process runs its background work (and, on replicas, at which epoch). */
  describe(): Record<string, { readonly duties: boolean; readonly epoch?: number }>;
}

interface CoordinatorParts {
  readonly gateways: readonly GatewayRuntime[];
  readonly storage: Storage;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Asks the delivery loop for a pass (new work of a gateway this process delivers for). */
  readonly deliver: () => void;
}

/** A single instance: every gateway's background work, from start to stop, through the storage itself. */
export class SoloCoordinator implements Coordinator {
  constructor(private readonly parts: CoordinatorParts) {}

  async start(): Promise<void> {
    for (const g of this.parts.gateways) {
      await g.duties.start(this.parts.storage);
      this.parts.metrics.leaseHeld.set({ gateway: g.id }, 1);
    }
  }

  async stop(): Promise<void> {
    for (const g of this.parts.gateways) g.duties.stop();
  }

  gateways(): readonly string[] | undefined {
    return undefined;
  }

  storesFor(): FencedStores {
    return this.parts.storage;
  }

  owns(): boolean {
    return true;
  }

  describe() {
    return Object.fromEntries(this.parts.gateways.map((g) => [g.id, { duties: true }]));
  }
}

export interface ReplicaCoordinatorParts extends CoordinatorParts {
  readonly leases: LeaseStore;
  readonly notices: WorkNotices;
  /** This process's name as a lease holder (unique per process). */
  readonly replicaId: string;
  readonly timing: LeaseTiming;
  /** Safety net for a missed notice: how often a holder looks for waiting work anyway. */
  readonly pollEveryMs?: number;
  readonly monotonicMs?: () => number;
}

/** The lease of a gateway's background work. */
export const leaseName = (gateway: string) => `gateway:${gateway}`;

/**
 * Replicas on one database: each gateway's background work runs where its lease is held, writing through stores
 * fenced by the lease's epoch; every replica serves Slack and keeps its own gateway sessions. Work queued by any
 * replica reaches the holder as a notice (and by a slow poll, should a notice be missed).
 */
export class ReplicaCoordinator implements Coordinator {
  private readonly keepers = new Map<string, LeaseKeeper>();
  private readonly stores = new Map<string, FencedStores>();
  private unsubscribe: (() => void) | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly parts: ReplicaCoordinatorParts) {
    for (const g of parts.gateways) {
      const log = parts.log.child({ gateway: g.id });
      this.keepers.set(
        g.id,
        new LeaseKeeper({
          name: leaseName(g.id),
          holder: parts.replicaId,
          leases: parts.leases,
          timing: parts.timing,
          log,
          monotonicMs: parts.monotonicMs,
          onAcquired: async (lease) => {
            const stores = parts.leases.fenced(lease);
            this.stores.set(g.id, stores);
            await g.duties.start(stores);
            parts.metrics.leaseHeld.set({ gateway: g.id }, 1);
            parts.metrics.leaseTakeovers.inc({ gateway: g.id });
            log.info(
              { replica: parts.replicaId, epoch: lease.epoch },
              "took over the gateway's background work (cards, reconciliation, alerts)",
            );
            parts.deliver();
          },
          onLost: (lease, reason) => {
            this.stores.delete(g.id);
            g.duties.stop();
            parts.metrics.leaseHeld.set({ gateway: g.id }, 0);
            log.warn(
              { replica: parts.replicaId, epoch: lease.epoch, reason },
              `stopped the gateway's background work: ${reason}`,
            );
          },
        }),
      );
      // Another replica's decision found a changed request: the holder reconciles.
      g.duties.elsewhere = () => {
        parts.notices.publish({ gateway: g.id, kind: 'reconcile' }).catch((err: unknown) => {
          log.warn({ err }, 'could not ask the replica holding the gateway to reconcile; its timer will');
        });
      };
      parts.metrics.leaseHeld.set({ gateway: g.id }, 0);
    }
  }

  async start(): Promise<void> {
    this.unsubscribe = this.parts.notices.subscribe((notice) => this.onNotice(notice));
    for (const keeper of this.keepers.values()) keeper.start();
    this.poll = setInterval(() => {
      if (this.gateways().length > 0) this.parts.deliver();
    }, this.parts.pollEveryMs ?? 5_000);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    this.unsubscribe?.();
    await Promise.all([...this.keepers.values()].map((k) => k.stop()));
  }

  gateways(): readonly string[] {
    return [...this.keepers].filter(([, k]) => k.owns()).map(([id]) => id);
  }

  storesFor(gateway: string): FencedStores {
    const stores = this.stores.get(gateway);
    if (!stores || !this.owns(gateway)) throw new LeaseLostError(leaseName(gateway));
    return stores;
  }

  owns(gateway: string): boolean {
    return this.keepers.get(gateway)?.owns() === true;
  }

  describe() {
    return Object.fromEntries(
      [...this.keepers].map(([id, k]) => {
        const lease = k.held;
        return [id, lease ? { duties: true, epoch: lease.epoch } : { duties: false }];
      }),
    );
  }

  private onNotice(notice: WorkNotice): void {
    const mine = notice.gateway === '*' ? this.gateways().length > 0 : this.owns(notice.gateway);
    if (!mine) return;
    if (notice.kind === 'delivery') {
      this.parts.deliver();
      return;
    }
    for (const g of this.parts.gateways) {
      if (g.id === notice.gateway || notice.gateway === '*') g.duties.requestReconcile('asked by another replica');
    }
  }
}
