import type { Logger } from 'pino';
import { AppError, ErrorCode, StorageUnavailableError } from '../errors.js';
import type { AuditStore } from '../storage/ports.js';
import type { AuditEntry, AuditOutcome } from './audit-entry.js';

/** An intent row waiting for its outcome. */
export interface AuditIntent {
  /** Records how the action ended; a failure to record is logged, never thrown (the action already happened). */
  complete(outcome: Exclude<AuditOutcome, 'intent'>, detail?: string): Promise<void>;
}

type NewEntry = Omit<AuditEntry, 'id' | 'atMs' | 'outcome' | 'completedAtMs'>;

/** Finished-action rows kept in memory while the store is unreachable, at most (the oldest go first). */
const BACKLOG_MAX = 10_000;
const FLUSH_MIN_MS = 1_000;
const FLUSH_MAX_MS = 30_000;

/** The audit log: rows in the store and one info log line per audited action (no params: they may hold secrets). */
export class AuditLog {
  /** Rows of finished actions that could not be written yet, oldest first, with their own times. */
  private readonly backlog: AuditEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushFailures = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly log: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Records a finished action (a refusal, an outside resolution). When the store cannot take it, the row waits in
   * memory (with its own time) and is written as soon as the store is back.
   */
  async record(entry: NewEntry & { outcome: Exclude<AuditOutcome, 'intent'> }): Promise<void> {
    const row: AuditEntry = { ...entry, atMs: this.nowMs() };
    this.logLine(entry, entry.outcome, entry.detail);
    if (this.backlog.length > 0) {
      this.keep(row);
      return;
    }
    try {
      await this.store.append(row);
    } catch (err) {
      this.log.error({ err, audit: summary(entry) }, 'could not write an audit row; kept until the store is back');
      this.keep(row);
    }
  }

  /** Rows waiting for the store (for /readyz and tests). */
  get waiting(): number {
    return this.backlog.length;
  }

  /** Writes the waiting rows, oldest first; resolves true when none is left. */
  async flush(): Promise<boolean> {
    while (this.backlog.length > 0) {
      const row = this.backlog[0] as AuditEntry;
      try {
        await this.store.append(row);
      } catch {
        return false;
      }
      this.backlog.shift();
    }
    return true;
  }

  private keep(row: AuditEntry): void {
    if (this.backlog.length >= BACKLOG_MAX) {
      const dropped = this.backlog.shift();
      this.log.error(
        { audit: dropped ? summary(dropped) : undefined },
        'audit backlog full: the oldest waiting row is only in this log',
      );
    }
    this.backlog.push(row);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const delayMs = Math.min(FLUSH_MAX_MS, FLUSH_MIN_MS * 2 ** this.flushFailures);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().then((done) => {
        if (done) {
          if (this.flushFailures > 0) this.log.info('audit rows kept during the outage are written');
          this.flushFailures = 0;
          return;
        }
        this.flushFailures += 1;
        this.scheduleFlush();
      });
    }, delayMs);
    this.flushTimer.unref();
  }

  /**
   * Writes the intent row before an action that changes something. Throws AUDIT_UNAVAILABLE when it cannot be
   * written: the caller must then refuse and call nothing.
   */
  async begin(entry: NewEntry): Promise<AuditIntent> {
    let id: number;
    try {
      id = await this.store.append({ ...entry, atMs: this.nowMs(), outcome: 'intent' });
    } catch (err) {
      this.log.error({ err, audit: summary(entry) }, 'could not write an audit intent; the action is refused');
      if (err instanceof StorageUnavailableError) throw err;
      throw new AppError(ErrorCode.AUDIT_UNAVAILABLE, 'the audit log cannot be written', { cause: err });
    }
    let done = false;
    return {
      complete: async (outcome, detail) => {
        if (done) return;
        done = true;
        try {
          await this.store.complete(id, outcome, detail, this.nowMs());
        } catch (err) {
          this.log.error({ err, auditId: id, outcome }, 'could not record an audited outcome; the row stays at intent');
        }
        this.logLine(entry, outcome, detail);
      },
    };
  }

  private logLine(entry: NewEntry, outcome: AuditOutcome, detail: string | undefined): void {
    this.log.info({ audit: { ...summary(entry), outcome, detail } }, `audit: ${entry.action} ${outcome}`);
  }
}

function summary(entry: NewEntry) {
  return {
    actor: entry.actor,
    action: entry.action,
    gateway: entry.gateway,
    target: entry.target,
    targetName: entry.targetName,
    requestId: entry.requestId,
  };
}

/** Words for a refusal caused by an unwritable audit log. */
export const AUDIT_UNAVAILABLE_MESSAGE =
  'the audit log could not be written, so nothing was done; check the bot’s storage (disk full? permissions of STATE_DIR?) and try again';
