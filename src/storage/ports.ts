/**
 * Storage ports, one per kind of record. Every method is async and speaks the domain; the atomic operations
 * (claims, confirmations, insert-once) are part of the contract (test/contract/storage-contract.ts).
 */
import type { AuditEntry, AuditOutcome } from '../audit/audit-entry.js';
import type { DecisionFailure } from '../pairing/decision-failure.js';
import type {
  AnyDecision,
  ApprovalEnd,
  ApprovalState,
  PairingRequest,
  RequestKind,
  RequestRecord,
  RequestStatus,
  Resolver,
} from '../pairing/types.js';

/** Gateway id of the single-gateway configuration (and of everything an older release stored). */
export const DEFAULT_GATEWAY = 'default';

/** Identifies one request on one gateway. */
export interface RequestKey {
  readonly gateway: string;
  readonly kind: RequestKind;
  readonly requestId: string;
}

/** Where a card lives in Slack. */
export interface CardLocation {
  readonly channel: string;
  readonly ts: string;
}

/** Requests and their card outbox: what is pending, where its card is, whether Slack is behind. */
export interface RequestStore {
  /** Inserts a newly seen pending request; false when it is already known (a request is posted once, ever). */
  insertPending(gateway: string, request: PairingRequest, fingerprint: string, nowMs: number): Promise<boolean>;
  /** Replaces the body of a still-pending record and queues its card; a first approval of the old surface is dropped. */
  updateRequest(key: RequestKey, request: PairingRequest, fingerprint: string, nowMs: number): Promise<void>;
  get(key: RequestKey): Promise<RequestRecord | undefined>;
  /** Records with this request id, on any gateway (or only `gateway`). */
  findByRequestId(requestId: string, gateway?: string): Promise<RequestRecord[]>;
  /** Oldest first; every gateway unless one is named. */
  listByStatus(status: RequestStatus, gateway?: string): Promise<RequestRecord[]>;
  /** The pending records of one node or device (by subject id) on one gateway, oldest first. */
  listPendingOf(gateway: string, kind: RequestKind, subjectId: string): Promise<RequestRecord[]>;
  /** Records shown by one Slack message (a card or a digest). */
  listByCard(location: CardLocation): Promise<RequestRecord[]>;
  /**
   * Moves a pending record to a final status; false when it was not pending any more. `untilMs` makes an approval
   * time-bound (kept with the first approval of a two-person decision, if any).
   */
  resolve(
    key: RequestKey,
    status: RequestStatus,
    by: Resolver | undefined,
    nowMs: number,
    untilMs?: number,
  ): Promise<boolean>;
  /**
   * Replaces the approval state (a first approval, its withdrawal, a new time limit) if the record is still at
   * `seenVersion`, and queues its card; false when it changed meanwhile (read again and decide again).
   */
  setApproval(key: RequestKey, approval: ApprovalState, seenVersion: number, nowMs: number): Promise<boolean>;
  /** Ends an approval (revoked, time up): approved → removed, with how; false when it was not approved any more. */
  endApproval(key: RequestKey, end: ApprovalEnd, nowMs: number): Promise<boolean>;
  /** Approved records whose time limit is at or before `nowMs`, soonest first; only those of `gateways` when given. */
  listExpired(nowMs: number, gateways?: readonly string[]): Promise<RequestRecord[]>;
  /** Sets (or clears) the failure the card shows, and queues its card. */
  setFailure(key: RequestKey, failure: DecisionFailure | undefined, nowMs: number): Promise<void>;
  /** Queues a card post or update. */
  markDirty(key: RequestKey): Promise<void>;
  /** Puts a record on an existing message (a digest it joins, a post that landed) and queues its re-render. */
  placeOnCard(key: RequestKey, location: CardLocation): Promise<void>;
  /** Records whose card must be posted or updated, oldest first; only those of `gateways` when given. */
  listDirty(limit: number, gateways?: readonly string[]): Promise<RequestRecord[]>;
  /** Saves the card location and clears the dirty mark if the record is still at `seenVersion`. */
  markSynced(key: RequestKey, location: CardLocation, seenVersion: number): Promise<void>;
  /** Notes that a post is about to be tried (after a lost answer Slack is checked before posting again). */
  markPostAttempt(key: RequestKey, nowMs: number): Promise<void>;
  /** Counts reminder `n` as sent; false when the request is not pending or had it already (once, ever). */
  markReminded(key: RequestKey, n: number): Promise<boolean>;
}

/** An in-flight decision: claimed before the gateway call so two clicks never make two calls. */
export interface DecisionClaim extends RequestKey {
  readonly decision: AnyDecision;
  readonly userId: string;
  readonly fingerprint: string;
  readonly claimedAtMs: number;
  /** A time-bound approval: how long it lasts from the moment the gateway applies it (absent: permanent). */
  readonly durationMs?: number | undefined;
  /** Why, when OPENCLAW_REQUIRE_REASON asked (shown on the card and in the thread reply once decided). */
  readonly reason?: string | undefined;
}

/** Decision claims: at most one per request, atomically. */
export interface ClaimStore {
  /** Claims a decision; returns the existing claim when someone else got there first (even on another replica). */
  claim(claim: DecisionClaim): Promise<{ ok: true } | { ok: false; existing: DecisionClaim }>;
  release(key: RequestKey): Promise<void>;
  list(gateway?: string): Promise<DecisionClaim[]>;
}

/** A message to deliver once: a thread reply under a request's card, an alert in a channel, or a node alert. */
export type OutboxMessage =
  /**
   * `ended`: the reply says how the approval ended (revoked, time up); `receipt`: that the approval is in effect
   * (or not yet); neither: how the request was decided.
   */
  | {
      readonly kind: 'decision-reply';
      readonly request: RequestKey;
      readonly ended?: true | undefined;
      readonly receipt?: true | undefined;
    }
  /** Reminder `n` under a pending request's card, naming who may decide it. */
  | { readonly kind: 'reminder'; readonly request: RequestKey; readonly n: number }
  /** `open`: post the node alert; `update`: re-render it and say in its thread which nodes recovered. */
  | {
      readonly kind: 'node-alert';
      readonly gateway: string;
      readonly key: string;
      readonly change: 'open' | 'update';
      readonly recovered?: readonly string[] | undefined;
    }
  | {
      readonly kind: 'alert';
      readonly gateway: string;
      readonly channel: string;
      readonly title: string;
      readonly detail?: string | undefined;
    };

/** A queued message; `attemptedAtMs` is set once a post was tried (it may have landed). */
export interface QueuedMessage {
  readonly id: number;
  readonly message: OutboxMessage;
  readonly createdAtMs: number;
  readonly attemptedAtMs: number | undefined;
}

/** The gateway a queued message belongs to (whose lease holder delivers it). */
export function gatewayOfMessage(message: OutboxMessage): string {
  return message.kind === 'decision-reply' || message.kind === 'reminder' ? message.request.gateway : message.gateway;
}

/** Messages waiting for the delivery loop, oldest first. */
export interface OutboxStore {
  enqueue(message: OutboxMessage, nowMs: number): Promise<number>;
  /** Oldest first; only those of `gateways` when given. */
  list(limit: number, gateways?: readonly string[]): Promise<QueuedMessage[]>;
  markAttempt(id: number, nowMs: number): Promise<void>;
  delete(id: number): Promise<void>;
}

/** An alert about one node or a group of nodes (offline, low disk), and where it was posted. */
export interface NodeAlertRecord {
  readonly gateway: string;
  /** Unique per alert: `offline:<nodeId>:<openedAtMs>`, `offline-group:<openedAtMs>`, `disk:<nodeId>:<openedAtMs>`. */
  readonly key: string;
  readonly kind: 'offline' | 'disk';
  readonly channel: string;
  readonly nodes: readonly { readonly nodeId: string; readonly name: string | undefined; readonly sinceMs: number }[];
  /** Node ids back to normal (online again, disk above the threshold); all of them closes the alert. */
  readonly recovered: readonly string[];
  /** What the alert reports beyond the names (disk: free space). */
  readonly detail: string | undefined;
  readonly openedAtMs: number;
  readonly closedAtMs: number | undefined;
  /** Where it was posted, once it was. */
  readonly ts: string | undefined;
}

/** Node alerts: open ones (one per node and kind), and recently closed ones (a quiet period before a new one). */
export interface NodeAlertStore {
  open(alert: Omit<NodeAlertRecord, 'recovered' | 'closedAtMs' | 'ts'>): Promise<void>;
  get(gateway: string, key: string): Promise<NodeAlertRecord | undefined>;
  listOpen(gateway: string): Promise<NodeAlertRecord[]>;
  listClosedSince(gateway: string, sinceMs: number): Promise<NodeAlertRecord[]>;
  /** Adds `nodeIds` to the recovered ones, closing the alert when every node has; the record as it is now. */
  recover(
    gateway: string,
    key: string,
    nodeIds: readonly string[],
    nowMs: number,
  ): Promise<NodeAlertRecord | undefined>;
  /** Where the alert was posted. */
  place(gateway: string, key: string, ts: string): Promise<void>;
}

/** Actions waiting for their requester's confirmation click (a sensitive invoke, a remove). */
export interface ConfirmationStore {
  create(id: string, userId: string, action: string, payload: unknown, nowMs: number): Promise<void>;
  /** Uses a confirmation once: only by the same user, only while fresh; undefined when used, expired or not theirs. */
  claim(
    id: string,
    userId: string,
    maxAgeMs: number,
    nowMs: number,
  ): Promise<{ action: string; payload: unknown } | undefined>;
}

/** The audit log. */
export interface AuditStore {
  /** Appends a row and returns its id; rejects when it cannot be written. */
  append(entry: AuditEntry): Promise<number>;
  /** Replaces an intent row's outcome (only rows still at `intent`). */
  complete(
    id: number,
    outcome: Exclude<AuditOutcome, 'intent'>,
    detail: string | undefined,
    atMs: number,
  ): Promise<void>;
  /** The most recent `limit` rows at or after `sinceMs`, oldest first. */
  list(limit: number, sinceMs?: number): Promise<AuditEntry[]>;
}

/** A gateway device identity as stored: the key *is* the device. */
export interface StoredIdentity {
  readonly version: 1;
  readonly deviceId: string;
  readonly publicKey: string;
  readonly privateKeyPem: string;
  readonly deviceToken?: string | undefined;
  readonly createdAtMs: number;
}

/** Device identities (one per gateway) and the install's secret (keyed fingerprints). */
export interface IdentityStore {
  load(gateway: string): Promise<StoredIdentity | undefined>;
  /** Stores `identity` unless one exists; returns the one that is stored (the first writer wins). */
  createIfAbsent(gateway: string, identity: StoredIdentity): Promise<StoredIdentity>;
  /** Replaces the device token of a stored identity. */
  setDeviceToken(gateway: string, deviceToken: string | undefined): Promise<void>;
  /** The install's secret (32+ bytes), created on first use; the same for every process of the install. */
  installSecret(): Promise<Buffer>;
}

/** One holder's tenure of a lease; `epoch` grows with every new tenure, so writes can be fenced by it. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly epoch: number;
}

/** A lease as the store sees it now. */
export interface LeaseInfo extends Lease {
  /** Until it runs out, by the store's clock. */
  readonly expiresInMs: number;
}

/** The stores the holder of a lease writes through: every write is refused (LeaseLostError) once it is lost. */
export type FencedStores = Pick<Storage, 'requests' | 'outbox' | 'alerts'>;

/**
 * Leases shared by the processes of one deployment (replicas on one database). Expiry is judged by the store's
 * clock, never by a replica's, so replicas with skewed clocks agree on who holds what.
 */
export interface LeaseStore {
  /** Takes the lease when it is free or has run out (a new epoch); undefined when someone else holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held at this epoch; false when it ran out or was taken. */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so another replica takes over without waiting for it to run out. */
  release(lease: Lease): Promise<void>;
  /** Who holds the lease now; undefined when nobody does (free or run out). */
  current(name: string): Promise<LeaseInfo | undefined>;
  /** The request and outbox stores, with each write applied only while `lease` is held at its epoch. */
  fenced(lease: Lease): FencedStores;
}

/** Work waiting for the replica that holds a gateway's lease: cards or messages to deliver, a reconciliation. */
export interface WorkNotice {
  readonly gateway: string;
  readonly kind: 'delivery' | 'reconcile';
}

/** Tells every process sharing the storage that work is waiting (PostgreSQL: NOTIFY), including this one. */
export interface WorkNotices {
  publish(notice: WorkNotice): Promise<void>;
  /** Every notice from now on, from any process (delivery notices come from the store's writes themselves). */
  subscribe(listener: (notice: WorkNotice) => void): () => void;
}

/** Everything the bot keeps, behind one handle. */
export interface Storage {
  readonly requests: RequestStore;
  readonly claims: ClaimStore;
  readonly outbox: OutboxStore;
  readonly alerts: NodeAlertStore;
  readonly confirmations: ConfirmationStore;
  readonly audit: AuditStore;
  readonly identities: IdentityStore;
  /** Only storages several processes can share have leases and notices (PostgreSQL; memory, for tests). */
  readonly leases?: LeaseStore | undefined;
  readonly notices?: WorkNotices | undefined;
  /** A storage on a server says whether it answers now (for /readyz); an embedded one has nothing to say. */
  health?(): Promise<{ readonly reachable: boolean; readonly detail: string }>;
  close(): Promise<void>;
}

/** Same gateway, kind and request id. */
export function sameKey(a: RequestKey, b: RequestKey): boolean {
  return a.gateway === b.gateway && a.kind === b.kind && a.requestId === b.requestId;
}

/** `gateway:kind:requestId`, for maps and card metadata. */
export function keyString(key: RequestKey): string {
  return `${key.gateway}:${key.kind}:${key.requestId}`;
}

/** The key of a record. */
export function keyOf(record: Pick<RequestRecord, 'gateway' | 'kind' | 'requestId'>): RequestKey {
  return { gateway: record.gateway, kind: record.kind, requestId: record.requestId };
}
