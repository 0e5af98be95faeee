import type { AuditStore } from '../audit/audit-entry.js';
import type { PairingRequest, RequestKind, RequestRecord, RequestStatus, Resolver } from './types.js';

/** An in-flight decision: claimed before the gateway call so two clicks never make two calls. */
export interface DecisionClaim {
  readonly kind: RequestKind;
  readonly requestId: string;
  readonly decision: 'approve' | 'reject';
  readonly userId: string;
  readonly fingerprint: string;
  readonly claimedAtMs: number;
}

/** Where the card of a record lives in Slack. */
export interface CardLocation {
  readonly channel: string;
  readonly ts: string;
}

/** A thread reply waiting to be posted; `attemptedAtMs` is set once a post was tried (it may have landed). */
export interface QueuedReply {
  readonly id: number;
  readonly kind: RequestKind;
  readonly requestId: string;
  readonly attemptedAtMs: number | undefined;
}

/** Lasting state of requests, their cards, in-flight decisions and the audit log. */
export type { AuditEntry } from '../audit/audit-entry.js';

export interface PairingStore extends AuditStore {
  /** Inserts a newly seen pending request; returns false when the id is already known (a request is posted once, ever). */
  insertPending(request: PairingRequest, fingerprint: string, nowMs: number): boolean;
  /** Replaces the request body of a still-pending record (e.g. details that arrived later). */
  updateRequest(
    kind: RequestKind,
    requestId: string,
    request: PairingRequest,
    fingerprint: string,
    nowMs: number,
  ): void;
  get(kind: RequestKind, requestId: string): RequestRecord | undefined;
  listByStatus(status: RequestStatus): RequestRecord[];
  /** Records of one Slack message (a card or a digest). */
  listByCard(location: CardLocation): RequestRecord[];
  /** Sets a final status; only moves records that are still pending. Returns whether it changed. */
  resolve(
    kind: RequestKind,
    requestId: string,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
  ): boolean;
  setError(kind: RequestKind, requestId: string, message: string | undefined, nowMs: number): void;
  /** Marks a record's card as needing a post or an update. */
  markDirty(kind: RequestKind, requestId: string): void;
  /** Puts a record on an existing Slack message (a digest it joins, a post that landed) and queues its re-render. */
  placeOnCard(kind: RequestKind, requestId: string, location: CardLocation): void;
  /** Records whose card must be posted or updated, oldest first. */
  listDirty(limit: number): RequestRecord[];
  /** Saves the card location and clears the dirty mark if the record is still at `seenVersion`. */
  markSynced(kind: RequestKind, requestId: string, location: CardLocation, seenVersion: number): void;
  /** Atomically claims a decision; returns the existing claim when someone else got there first. */
  claim(claim: DecisionClaim): { ok: true } | { ok: false; existing: DecisionClaim };
  releaseClaim(kind: RequestKind, requestId: string): void;
  listClaims(): DecisionClaim[];
  /** Queues a thread reply under a card, delivered by the publisher. */
  enqueueReply(kind: RequestKind, requestId: string, nowMs: number): void;
  listReplies(limit: number): QueuedReply[];
  /** Notes that a card post is about to be tried: after a crash or a lost answer, Slack is checked before posting again. */
  markPostAttempt(kind: RequestKind, requestId: string, nowMs: number): void;
  /** The same for a thread reply. */
  markReplyAttempt(id: number, nowMs: number): void;
  deleteReply(id: number): void;
  /** Saves an action waiting for its requester's confirmation click (e.g. system.run, remove). */
  createConfirmation(id: string, userId: string, action: string, payload: unknown, nowMs: number): void;
  /** Uses a confirmation once: only by the same user, only while fresh. Undefined when used, expired or not theirs. */
  claimConfirmation(
    id: string,
    userId: string,
    maxAgeMs: number,
    nowMs: number,
  ): { action: string; payload: unknown } | undefined;
  close(): void;
}
