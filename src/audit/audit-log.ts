import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../errors.js';
import type { AuditStore } from '../storage/ports.js';
import type { AuditEntry, AuditOutcome } from './audit-entry.js';

/** An intent row waiting for its outcome. */
export interface AuditIntent {
  /** Records how the action ended; a failure to record is logged, never thrown (the action already happened). */
  complete(outcome: Exclude<AuditOutcome, 'intent'>, detail?: string): Promise<void>;
}

type NewEntry = Omit<AuditEntry, 'id' | 'atMs' | 'outcome' | 'completedAtMs'>;

/** The audit log: rows in the store and one info log line per audited action (no params: they may hold secrets). */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly log: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Records a finished action (a refusal, an outside resolution); a failed write is logged at error. */
  async record(entry: NewEntry & { outcome: Exclude<AuditOutcome, 'intent'> }): Promise<void> {
    try {
      await this.store.append({ ...entry, atMs: this.nowMs() });
    } catch (err) {
      this.log.error({ err, audit: summary(entry) }, 'could not write an audit row');
    }
    this.logLine(entry, entry.outcome, entry.detail);
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
