import type { DecisionClaim } from '../storage/ports.js';
import type { ChangeReason, DecisionFailure, Refusal } from './decision-failure.js';
import type { AnyDecision, RequestRecord } from './types.js';

/** Every way a click can end, as codes; the Slack layer (decision-notes.ts) turns each into words. */
export type DecisionResult =
  | { outcome: 'decided'; record: RequestRecord }
  /** Two-person rule: this approval is the first of two, recorded and not sent; `mine`: the clicker's own, again. */
  | { outcome: 'first-approval'; record: RequestRecord; mine: boolean }
  /** The first approval was withdrawn by its approver (or could not be: `ok` false). */
  | { outcome: 'withdrawn'; record: RequestRecord | undefined; ok: boolean }
  | { outcome: 'refused'; refusal: Refusal }
  | { outcome: 'unknown' }
  | { outcome: 'already'; record: RequestRecord; claim?: DecisionClaim | undefined }
  | { outcome: 'changed'; record: RequestRecord | undefined; reason: ChangeReason }
  | { outcome: 'failed'; record: RequestRecord; failure: DecisionFailure }
  /** The gateway applied it, but the store could not record it (unreachable): the card catches up when it is back. */
  | { outcome: 'unrecorded'; record: RequestRecord; decision: AnyDecision };
