import type { Logger } from 'pino';
import type { Lease, LeaseStore } from '../storage/ports.js';

/** How a lease is kept: the numbers of client-go's leader election, scaled to the TTL (15 s → 10 s, 5 s, 2 s). */
export interface LeaseTiming {
  readonly ttlMs: number;
  /** A holder that has not renewed for this long stops at once (well before the TTL runs out for the others). */
  readonly renewDeadlineMs: number;
  readonly renewEveryMs: number;
  /** How often a replica without the lease tries to take it (and a holder retries a failed renewal). */
  readonly retryEveryMs: number;
}

/** The timing for a TTL. */
export function leaseTiming(ttlMs: number): LeaseTiming {
  return {
    ttlMs,
    renewDeadlineMs: Math.round((ttlMs * 2) / 3),
    renewEveryMs: Math.round(ttlMs / 3),
    retryEveryMs: Math.max(100, Math.round((ttlMs * 2) / 15)),
  };
}

export interface LeaseKeeperOptions {
  readonly name: string;
  readonly holder: string;
  readonly leases: LeaseStore;
  readonly timing: LeaseTiming;
  readonly log: Logger;
  /** Called when this process takes the lease; the work starts here. */
  readonly onAcquired: (lease: Lease) => void | Promise<void>;
  /** Called when this process stops holding it (lost, deadline passed, or stopping); the work stops here. */
  readonly onLost: (lease: Lease, reason: string) => void;
  /** A monotonic clock (never jumps back, keeps counting while the process is paused). */
  readonly monotonicMs?: () => number;
}

/**
 * Takes and keeps one lease. Ownership is judged locally from the last renewal *sent* (not answered): the holder
 * gives up at `renewDeadlineMs` after it, while the store only lets another replica in at `ttlMs` after the
 * renewal arrived, so the two never overlap, even for a process that was paused and wakes up late.
 */
export class LeaseKeeper {
  private readonly monotonicMs: () => number;
  private lease: Lease | undefined;
  private renewedAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** The lease while this process may act on it. */
  get held(): Lease | undefined {
    return this.owns() ? this.lease : undefined;
  }

  /** True while the lease is held and its renew deadline has not passed (checked before every fenced action). */
  owns(): boolean {
    return this.lease !== undefined && this.monotonicMs() - this.renewedAtMs < this.options.timing.renewDeadlineMs;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops trying; a held lease is given up at once so another replica can take over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    await this.running;
    const lease = this.lease;
    if (!lease) return;
    this.drop('this process is stopping');
    await this.options.leases.release(lease).catch((err: unknown) => {
      this.options.log.warn({ err }, 'could not release the lease; another replica takes over when it runs out');
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { timing, log } = this.options;
    const lease = this.lease;
    const sentAtMs = this.monotonicMs();
    if (!lease) {
      let taken: Lease | undefined;
      try {
        taken = await this.options.leases.acquire(this.options.name, this.options.holder, timing.ttlMs);
      } catch (err) {
        log.warn({ err }, 'could not try to take the lease (the database is unreachable?)');
      }
      if (taken && !this.stopped) {
        this.lease = taken;
        this.renewed(sentAtMs);
        try {
          await this.options.onAcquired(taken);
        } catch (err) {
          log.error({ err }, 'could not start the work of a lease just taken; giving it up');
          await this.giveUp(taken, 'its work could not start');
        }
      } else if (taken) {
        await this.options.leases.release(taken).catch(() => undefined);
      }
      this.schedule(this.lease ? timing.renewEveryMs : timing.retryEveryMs);
      return;
    }
    let renewed: boolean | undefined;
    try {
      renewed = await this.options.leases.renew(lease, timing.ttlMs);
    } catch (err) {
      log.warn({ err }, 'could not renew the lease (the database is unreachable?); retrying');
    }
    if (this.lease !== lease) return; // dropped meanwhile (deadline passed or stopping)
    if (renewed === true) {
      this.renewed(sentAtMs);
      this.schedule(timing.renewEveryMs);
      return;
    }
    if (renewed === false) this.drop('another replica holds it now (or it ran out)');
    else if (!this.owns()) this.drop(`not renewed within ${timing.renewDeadlineMs} ms`);
    this.schedule(timing.retryEveryMs);
  }

  private renewed(sentAtMs: number): void {
    this.renewedAtMs = sentAtMs;
    clearTimeout(this.deadline);
    const leftMs = this.options.timing.renewDeadlineMs - (this.monotonicMs() - sentAtMs);
    this.deadline = setTimeout(() => {
      if (this.lease && !this.owns()) this.drop(`not renewed within ${this.options.timing.renewDeadlineMs} ms`);
    }, Math.max(0, leftMs) + 1);
    this.deadline.unref();
  }

  private async giveUp(lease: Lease, reason: string): Promise<void> {
    this.drop(reason);
    await this.options.leases.release(lease).catch(() => undefined);
  }

  private drop(reason: string): void {
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined;
    clearTimeout(this.deadline);
    this.options.onLost(lease, reason);
  }
}
