import type { DecisionFailure } from './decision-failure.js';
import type { ExecDecision } from './decisions.js';

export type { AnyDecision, ExecDecision } from './decisions.js';

/**
 * Node surface requests (`node.pair.*`), device pairing requests (`device.pair.*`) and exec approval requests
 * (`exec.approval.*`: a command waiting for a human before it runs).
 */
export type RequestKind = 'node' | 'device' | 'exec';

/** What an exec approval request asks to run, as the gateway sent it (untrusted text). */
export interface ExecDetails {
  /** The argv as it will run, when the gateway prepared one; else empty and `commandText` is all there is. */
  readonly argv: readonly string[];
  readonly commandText: string;
  /** True when the command was too long to keep whole: it cannot be allowed from Slack then. */
  readonly clipped: boolean;
  readonly cwd: string | undefined;
  readonly host: 'node' | 'gateway';
  readonly nodeId: string | undefined;
  readonly agentId: string | undefined;
  readonly sessionKey: string | undefined;
  readonly warningText: string | undefined;
  readonly riskKinds: readonly string[];
  readonly warningLines: readonly string[];
  readonly resolvedPath: string | undefined;
  readonly security: string | undefined;
  readonly ask: string | undefined;
  readonly allowedDecisions: readonly ExecDecision[];
  /** Gateway time after which the request is void. */
  readonly expiresAtMs: number;
}

/** One pairing request as the bot shows it: every field that came from the gateway is untrusted text. */
export interface PairingRequest {
  readonly kind: RequestKind;
  readonly requestId: string;
  /** nodeId for node requests, deviceId for device requests. */
  readonly subjectId: string;
  readonly displayName: string | undefined;
  readonly platform: string | undefined;
  readonly version: string | undefined;
  readonly clientId: string | undefined;
  readonly clientMode: string | undefined;
  readonly deviceFamily: string | undefined;
  readonly remoteIp: string | undefined;
  /** Node requests: declared caps and commands. Empty for device requests. */
  readonly caps: readonly string[];
  readonly commands: readonly string[];
  /** Node requests: the operator scopes approval needs (authoritative, from the gateway). */
  readonly requiredApproveScopes: readonly string[];
  /** Device requests: role(s) and scopes asked for. */
  readonly role: string | undefined;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  readonly isRepair: boolean;
  /** What the node already had approved, when this request widens an approved node. */
  readonly previouslyApproved: { readonly caps: readonly string[]; readonly commands: readonly string[] } | undefined;
  /** Gateway time of the request (ms). */
  readonly requestedAtMs: number;
  /** Exec approval requests only: the command and where it runs (displayName is then the node's name, if known). */
  readonly exec?: ExecDetails | undefined;
}

/** Where a request stands, as far as the bot knows. */
/** `gone`: a node request left the gateway's list without a decision the bot saw (node requests never expire). */
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'superseded' | 'removed' | 'gone';

/** Who resolved a request: a Slack user of ours, or something outside Slack (CLI, Control UI, auto-approval). */
/** Exec requests also say which decision was taken and, outside Slack, the resolver the gateway named. */
export type Resolver =
  | {
      readonly via: 'slack';
      readonly userId: string;
      readonly decision?: ExecDecision | undefined;
      /** Why, when OPENCLAW_REQUIRE_REASON asked for it (untrusted text from the decider). */
      readonly reason?: string | undefined;
    }
  | { readonly via: 'outside'; readonly decision?: ExecDecision | undefined; readonly name?: string | undefined };

/** Two-person rule: the first approval of a pending request, recorded and not sent to the gateway. */
export interface FirstApproval {
  readonly userId: string;
  /** The surface it approved: a request that changed since starts over. */
  readonly fingerprint: string;
  readonly atMs: number;
  readonly reason?: string | undefined;
  /** The time it approved for ("Approve for …"); the completed approval takes the shorter of the two. */
  readonly durationMs?: number | undefined;
  /** Exec approvals: the answer it gave (allow-once or allow-always); the completed one takes allow-once if either did. */
  readonly decision?: ExecDecision | undefined;
}

/** How an approval ended after it was given: revoked by an admin (Revoke, `/openclaw remove`), or its time ran out. */
export interface ApprovalEnd {
  readonly how: 'revoked' | 'expired';
  /** Who revoked it (absent when the time ran out). */
  readonly userId?: string | undefined;
  readonly atMs: number;
}

/** What the approval workflow (issue 16) adds to a request: all of it optional, none of it by default. */
export interface ApprovalState {
  readonly first?: FirstApproval | undefined;
  /** Time-bound approval: when the bot removes the node (bot clock); absent: permanent. */
  readonly untilMs?: number | undefined;
  /** The last change of the time (extended, made permanent), by whom. */
  readonly timeChangedBy?: string | undefined;
  readonly ended?: ApprovalEnd | undefined;
  /** The receipt posted under the card once the approval was seen in effect (or not within 10 minutes). */
  readonly receipt?: ApprovalReceipt | undefined;
}

/** What the receipt said: the node connected with its approved commands, or it had not within the time. */
export interface ApprovalReceipt {
  readonly how: 'connected' | 'late';
  readonly atMs: number;
  /** connected: when the node's session began (gateway clock), how many commands it has, the sensitive ones. */
  readonly connectedAtMs?: number | undefined;
  readonly commands?: number | undefined;
  readonly active?: readonly string[] | undefined;
  /** Approved commands the gateway does not list for the node (its policy may withhold some). */
  readonly missing?: readonly string[] | undefined;
  /** Said in the decision's own thread reply (it was known before that was posted): no reply of its own. */
  readonly inReply?: true | undefined;
}

/** The bot's lasting record of one request and its card. */
export interface RequestRecord {
  /** Id of the gateway the request came from (`default` for the single-gateway configuration). */
  readonly gateway: string;
  readonly kind: RequestKind;
  readonly requestId: string;
  readonly request: PairingRequest;
  readonly fingerprint: string;
  readonly status: RequestStatus;
  /** Slack location of the card, once posted (a digest message for coalesced requests). */
  readonly channel: string | undefined;
  readonly ts: string | undefined;
  readonly resolvedBy: Resolver | undefined;
  readonly resolvedAtMs: number | undefined;
  /** Last failure shown on the card (e.g. the bot lacks operator.admin), as codes. */
  readonly lastFailure: DecisionFailure | undefined;
  /** Bumped on every change; a card synced at an older version is stale. */
  readonly version: number;
  /** When a post of this card was last tried (it may have landed even if the answer was lost). */
  readonly postAttemptAtMs: number | undefined;
  /** Reminders posted under the card so far (OPENCLAW_REMIND_AFTER_MS; at most three). */
  readonly reminders?: number | undefined;
  /** Two-person approval, time limit and how the approval ended (absent: none of these apply). */
  readonly approval?: ApprovalState | undefined;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}
