/** The answers a click can carry. */

/** The answers an exec approval request can get (the request says which it allows). */
export type ExecDecision = 'allow-once' | 'allow-always' | 'deny';

/** Any decision a click can carry: approve/reject for pairing, an ExecDecision for exec approvals. */
export type AnyDecision = 'approve' | 'reject' | ExecDecision;
