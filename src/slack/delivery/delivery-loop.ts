import type { Logger } from 'pino';
import { LeaseLostError, StorageUnavailableError } from '../../errors.js';
import { describeSlackError, retryDelayMs } from '../slack-errors.js';

/** One kind of work the loop drives (cards, queued messages): a bounded pass that throws on a Slack failure. */
export interface DeliverySource {
  readonly name: string;
  /** Delivers what is waiting; a thrown error backs the whole loop off (Retry-After when Slack gave one). */
  deliver(): Promise<void>;
  /** True when nothing waits. */
  isIdle(): Promise<boolean>;
}

/** Longest wait between delivery passes while the database is unreachable. */
const STORAGE_RETRY_MAX_MS = 5_000;

export interface DeliveryLoopOptions {
  sources: readonly DeliverySource[];
  log: Logger;
  nowMs?: () => number;
}

/**
 * The one Slack delivery loop: every surface (cards, thread replies, alerts, and what comes next) is a source it
 * runs in order. An idle loop starts a pass at once; what is asked for while a pass is in flight collapses into one
 * pass right after it (that is where bursts coalesce). A failure waits out Retry-After (or a 1 s → 60 s backoff)
 * and retries everything still queued (what is queued lives in the store, so nothing is lost by a restart).
 */
export class DeliveryLoop {
  private readonly nowMs: () => number;
  /** The retry after a failure, while it waits out its delay. */
  private timer: NodeJS.Timeout | undefined;
  /** A pass asked for later (scheduleIn). */
  private laterTimer: NodeJS.Timeout | undefined;
  /** A pass asked for on an idle loop: it starts on the next turn of the event loop. */
  private due: NodeJS.Immediate | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;
  private backoffUntilMs = 0;

  constructor(private readonly options: DeliveryLoopOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Asks for a pass. An idle loop starts one on the next turn of the event loop (so whatever arrived in the same
   * turn, e.g. several frames of one socket read, joins it); while a pass is in flight, every call collapses into
   * one pass right after it; while a failure is waited out, the scheduled retry runs instead.
   */
  schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer || this.due) return;
    this.due = setImmediate(() => {
      this.due = undefined;
      void this.sync();
    });
    this.due.unref();
  }

  /**
   * Runs the sources now (or joins the running run); resolves when Slack has everything or a retry is scheduled.
   * While waiting out a failure it does nothing: the scheduled retry will run.
   */
  sync(): Promise<void> {
    if (this.nowMs() < this.backoffUntilMs) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // This pass covers whatever a pending schedule() asked for.
    clearImmediate(this.due);
    this.due = undefined;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
    return this.running;
  }

  /** True when no source has anything waiting. */
  async isIdle(): Promise<boolean> {
    for (const source of this.options.sources) if (!(await source.isIdle())) return false;
    return true;
  }

  /** Delivers what is queued (one last bounded run), then stops scheduling. Undelivered work stays in the store. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.laterTimer);
    this.laterTimer = undefined;
    clearImmediate(this.due);
    this.due = undefined;
    const flushed = this.running ? this.running.then(() => this.sync()) : this.sync();
    this.stopped = true;
    await Promise.race([flushed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    clearTimeout(this.timer);
  }

  /** Asks for a pass in `ms` (the earliest of several such asks wins). */
  scheduleIn(ms: number): void {
    if (this.stopped || this.laterTimer) return;
    this.laterTimer = setTimeout(() => {
      this.laterTimer = undefined;
      // Already a turn of its own: the pass starts now (during a backoff, sync leaves it to the retry).
      void this.sync();
    }, ms);
    this.laterTimer.unref();
  }

  /** A source found more work during its pass (e.g. what remains of a digest): run again right after. */
  requestAnotherPass(): void {
    this.again = true;
  }

  private async runOnce(): Promise<void> {
    try {
      for (const source of this.options.sources) await source.deliver();
      this.failures = 0;
      this.backoffUntilMs = 0;
    } catch (err) {
      if (err instanceof LeaseLostError) {
        // Another replica took this gateway over mid-pass: not a failure; the next pass skips its work.
        this.options.log.info({ lease: err.lease }, 'delivery pass ended: the gateway passed to another replica');
        this.again = true;
        return;
      }
      this.failures += 1;
      // The database comes back by itself (a restart, a failover): look again within seconds, not a minute.
      const delayMs =
        err instanceof StorageUnavailableError
          ? Math.min(STORAGE_RETRY_MAX_MS, 500 * 2 ** Math.min(this.failures - 1, 4))
          : retryDelayMs(err, this.failures);
      this.backoffUntilMs = this.nowMs() + delayMs;
      const what =
        err instanceof StorageUnavailableError
          ? `delivery paused, the database is unreachable: ${err.message}`
          : `Slack delivery failed: ${describeSlackError(err)}`;
      this.options.log.warn({ err, retryInMs: delayMs }, what);
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.backoffUntilMs = 0;
          void this.sync();
        }, delayMs);
        this.timer.unref();
      }
    }
  }
}
