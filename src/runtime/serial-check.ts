import type { Logger } from 'pino';

export interface SerialCheckOptions<S> {
  /** One check, with the stores it writes through (those it was started with). */
  run: (stores: S) => Promise<void>;
  /** The safety-net timer while started. */
  everyMs: number;
  log: Logger;
  /** Logged (warn) when a check throws; the next one retries. */
  failure: string;
}

/**
 * A gateway duty's check loop: one check at a time, on a timer while started and whenever asked; a check asked
 * for while another runs follows it. Reminders, time-bound approvals and receipts share it.
 */
export class SerialCheck<S> {
  private stores: S | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> = Promise.resolve();

  constructor(private readonly options: SerialCheckOptions<S>) {}

  /** True between start and stop. */
  get started(): boolean {
    return this.stores !== undefined;
  }

  start(stores: S): void {
    this.stores = stores;
    this.timer = setInterval(() => this.schedule(), this.options.everyMs);
    this.timer.unref();
    this.schedule();
  }

  stop(): void {
    this.stores = undefined;
    clearInterval(this.timer);
  }

  /** Resolves once the current check is done (tests). */
  idle(): Promise<void> {
    return this.checking;
  }

  /** Checks now (after the check that is running); nothing while stopped. */
  schedule(): void {
    this.checking = this.checking
      .then(() => (this.stores ? this.options.run(this.stores) : undefined))
      .catch((err: unknown) => this.options.log.warn({ err }, this.options.failure));
  }
}
