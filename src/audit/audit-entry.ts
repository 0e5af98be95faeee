/** What the audit log records: one row per action a person (or the gateway) took, written ahead of the effect. */

/** `intent` is written before a gateway call that changes something and replaced by the outcome after it. */
export type AuditOutcome = 'intent' | 'ok' | 'refused' | 'failed' | 'changed' | 'already';

/** One audited action: who did what to which target, with which parameters, and how it ended. */
export interface AuditEntry {
  /** Row id (assigned by the store). */
  readonly id?: number | undefined;
  readonly atMs: number;
  /** Slack user id of the person, or `gateway` for what happened outside Slack. */
  readonly actor: string;
  /** e.g. `pairing.approve`, `invoke`, `rename`, `remove`, `confirm`, `audit`. */
  readonly action: string;
  /** Gateway id the action went to. */
  readonly gateway?: string | undefined;
  /** `node:<id>`, `device:<id>`, or what was typed when nothing was resolved. */
  readonly target: string;
  /** Display name of the target as shown to the actor. */
  readonly targetName?: string | undefined;
  readonly requestId?: string | undefined;
  readonly fingerprint?: string | undefined;
  /** Full parameters: invoke command and params (argv of system.run), old and new name of a rename. */
  readonly params?: unknown;
  readonly outcome: AuditOutcome;
  readonly detail?: string | undefined;
  /** When the outcome replaced the intent. */
  readonly completedAtMs?: number | undefined;
}

/** A filter for reading the log back. */
export interface AuditQuery {
  /** Most recent rows to return (oldest first in the result). */
  readonly limit: number;
  /** Only rows at or after this time. */
  readonly sinceMs?: number | undefined;
}
