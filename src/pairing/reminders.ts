import type { Logger } from 'pino';
import { SerialCheck } from '../runtime/serial-check.js';
import { type FencedStores, keyOf, type Storage } from '../storage/ports.js';

export interface RemindersOptions {
  gatewayId: string;
  /** Reads (any process may read). */
  storage: Pick<Storage, 'requests'>;
  /** OPENCLAW_REMIND_AFTER_MS: a request pending this long gets a reminder, again after each further period. */
  remindAfterMs: number;
  onQueued: () => void;
  log: Logger;
  /** A safety net besides the timer for the next reminder due. */
  checkEveryMs?: number;
  nowMs?: () => number;
}

const CHECK_EVERY_MS = 60_000;
/** Reminders per request, at most. */
export const REMINDERS_MAX = 3;

/**
 * Reminders under cards nobody decided (pairing and exec requests): one after each OPENCLAW_REMIND_AFTER_MS the
 * request stays pending, at most three, counted in the store (once ever, across restarts and replicas) and never
 * posted for a request decided in the meantime. Run by the process that does the gateway's background work.
 */
export class Reminders {
  private readonly nowMs: () => number;
  private readonly loop: SerialCheck<Pick<FencedStores, 'requests' | 'outbox'>>;
  private dueTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RemindersOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.loop = new SerialCheck({
      run: (stores) => this.check(stores),
      everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
      log: options.log,
      failure: 'reminder check failed; the next one retries',
    });
  }

  start(stores: Pick<FencedStores, 'requests' | 'outbox'>): void {
    this.loop.start(stores);
  }

  stop(): void {
    this.loop.stop();
    clearTimeout(this.dueTimer);
  }

  /** Resolves once the current check is done (tests). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Checks now (after the check that is running). */
  schedule(): void {
    this.loop.schedule();
  }

  private async check(stores: Pick<FencedStores, 'requests' | 'outbox'>): Promise<void> {
    const { remindAfterMs, gatewayId } = this.options;
    const now = this.nowMs();
    let next = Number.POSITIVE_INFINITY;
    for (const record of await this.options.storage.requests.listByStatus('pending', gatewayId)) {
      const sent = record.reminders ?? 0;
      if (sent >= REMINDERS_MAX) continue;
      const due = Math.min(REMINDERS_MAX, Math.floor((now - record.createdAtMs) / remindAfterMs));
      // No card yet: nothing to remind under (the next check, at most a period later, finds it posted).
      if (!record.ts) {
        next = Math.min(next, now + Math.min(remindAfterMs, this.options.checkEveryMs ?? CHECK_EVERY_MS));
        continue;
      }
      if (due > sent && (await stores.requests.markReminded(keyOf(record), due))) {
        await stores.outbox.enqueue({ kind: 'reminder', request: keyOf(record), n: due }, now);
        this.options.log.info({ requestId: record.requestId, n: due }, 'reminder queued');
        this.options.onQueued();
      }
      const following = Math.max(due, sent) + 1;
      if (following <= REMINDERS_MAX) next = Math.min(next, record.createdAtMs + following * remindAfterMs);
    }
    clearTimeout(this.dueTimer);
    if (Number.isFinite(next) && this.loop.started) {
      this.dueTimer = setTimeout(() => this.schedule(), Math.max(0, next - now) + 10);
      this.dueTimer.unref();
    }
  }
}
