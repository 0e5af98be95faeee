import type { z } from 'zod/v4';
import { GatewayRequestError, GatewaySchemaError, isGatewayError } from '../errors.js';
import { formatIssues } from '../gateway/frames.js';
import type { GatewayRequester } from '../gateway/nodes.js';
import type { ExecDecision } from '../pairing/types.js';
import {
  ApprovalGetSchema,
  ApprovalHistorySchema,
  type ApprovalSnapshot,
  type ExecApproval,
  ExecApprovalListSchema,
} from './exec-schemas.js';

/** The exec approval methods the bot calls, over the session that declares the `approvals` cap. */
export interface ExecApprovalsGateway {
  list(): Promise<ExecApproval[]>;
  resolve(id: string, decision: ExecDecision): Promise<void>;
  get(id: string): Promise<ApprovalSnapshot>;
  history(limit: number): Promise<ApprovalSnapshot[]>;
}

/** {@link ExecApprovalsGateway} on a gateway session; results are validated, never trusted as they come. */
export class ExecApprovalsClient implements ExecApprovalsGateway {
  constructor(private readonly gateway: GatewayRequester) {}

  /** `exec.approval.list`: requests still waiting (all clients' ones with operator.admin). */
  async list(): Promise<ExecApproval[]> {
    return this.call('exec.approval.list', {}, ExecApprovalListSchema);
  }

  /** `exec.approval.resolve`: the same decision twice is ok; another one fails APPROVAL_ALREADY_RESOLVED. */
  async resolve(id: string, decision: ExecDecision): Promise<void> {
    await this.gateway.request('exec.approval.resolve', { id, decision });
  }

  /** `approval.get`: where a request stands (pending, allowed, denied, expired) and how it ended. */
  async get(id: string): Promise<ApprovalSnapshot> {
    return (await this.call('approval.get', { id }, ApprovalGetSchema)).approval;
  }

  /** `approval.history`, newest first (the gateway keeps 30 days, at most 100 per page). */
  async history(limit: number): Promise<ApprovalSnapshot[]> {
    const page = await this.call(
      'approval.history',
      { limit: Math.min(100, Math.max(1, limit)) },
      ApprovalHistorySchema,
    );
    return page.items;
  }

  private async call<S extends z.ZodType>(method: string, params: unknown, schema: S): Promise<z.output<S>> {
    const payload = await this.gateway.request(method, params);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new GatewaySchemaError(`${method} result`, formatIssues(parsed.error));
    return parsed.data as z.output<S>;
  }
}

/** `details.reason` of a refused call (how the gateway names approval failures inside INVALID_REQUEST). */
function reasonOf(err: unknown): string | undefined {
  if (!(err instanceof GatewayRequestError)) return undefined;
  const reason = err.details?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** The gateway does not know this approval id (never, expired, or cleared by a restart). */
export function isApprovalNotFound(err: unknown): boolean {
  return (
    isGatewayError(err, 'APPROVAL_NOT_FOUND') ||
    reasonOf(err) === 'APPROVAL_NOT_FOUND' ||
    (err instanceof GatewayRequestError &&
      /unknown or expired approval id|approval expired or not found/i.test(err.message))
  );
}

/** The request was already resolved with another decision when ours arrived. */
export function isAlreadyResolved(err: unknown): boolean {
  return (
    isGatewayError(err, 'APPROVAL_ALREADY_RESOLVED') ||
    reasonOf(err) === 'APPROVAL_ALREADY_RESOLVED' ||
    (err instanceof GatewayRequestError && /approval already resolved/i.test(err.message))
  );
}
