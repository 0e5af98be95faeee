/** Fault injection on demand: the next N calls of a method fail with a status, or lose their connection. */

/** A Web API method name, or `response_url` for response_url POSTs. */
export type FaultTarget = string;

export interface FailSpec {
  readonly status: 429 | 500 | 503;
  /** Sent as Retry-After on a 429 (default 1). */
  readonly retryAfterSec?: number;
  /** How many consecutive calls fail (default 1). */
  readonly times?: number;
}

export type Fault = { readonly kind: 'fail'; readonly spec: FailSpec } | { readonly kind: 'drop' };

/** A call whose answer is held back: Slack has acted on it, the caller is still waiting. */
export interface HeldAnswer {
  /** Resolves once the call arrived (and was applied). */
  readonly arrived: Promise<void>;
  /** Sends the held answer. */
  release(): void;
}

interface Hold extends HeldAnswer {
  arrive(): void;
  readonly gate: Promise<void>;
}

/** Queues faults per target and counts what was served. */
export class FaultInjector {
  private readonly queued = new Map<FaultTarget, Fault[]>();
  private readonly holds = new Map<FaultTarget, Hold[]>();

  /** The next call of `target` is applied at once but answered only on `release()` (a slow network, a pause). */
  holdNext(target: FaultTarget): HeldAnswer {
    let arrive = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold: Hold = { arrived, arrive, gate, release };
    this.holds.set(target, [...(this.holds.get(target) ?? []), hold]);
    return hold;
  }

  /** Removes and returns the next hold queued for `target`. */
  takeHold(target: FaultTarget): { arrive(): void; readonly gate: Promise<void> } | undefined {
    return this.holds.get(target)?.shift();
  }
  private readonly counts = new Map<string, number>();

  /** Makes the next `times` calls of `target` answer with `status`. */
  failNext(target: FaultTarget, spec: FailSpec): void {
    const list = this.queued.get(target) ?? [];
    for (let i = 0; i < (spec.times ?? 1); i++) list.push({ kind: 'fail', spec });
    this.queued.set(target, list);
  }

  /** Makes the next `times` calls of `target` lose their connection without any response. */
  dropNext(target: FaultTarget, times = 1): void {
    const list = this.queued.get(target) ?? [];
    for (let i = 0; i < times; i++) list.push({ kind: 'drop' });
    this.queued.set(target, list);
  }

  /** Removes and returns the next fault queued for `target`. */
  take(target: FaultTarget): Fault | undefined {
    return this.queued.get(target)?.shift();
  }

  /** Counts one served outcome, e.g. `status:429` or `drop`, for a target. */
  count(target: FaultTarget, outcome: string): void {
    for (const key of [`${target}|${outcome}`, `*|${outcome}`]) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** How often `outcome` was served for `target` (or for all targets when omitted). */
  counted(outcome: string, target?: FaultTarget): number {
    return this.counts.get(`${target ?? '*'}|${outcome}`) ?? 0;
  }
}
