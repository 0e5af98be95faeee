/**
 * Exec approval requests as the live gateway keeps them (reference: exec-approvals.md, checked live): events only
 * for sessions that declare the `approvals` cap and hold operator.admin (requests of other clients), the error
 * shapes of resolve (INVALID_REQUEST with details.reason), expiry reported as `deny` with no resolver.
 */
import crypto from 'node:crypto';
import { invalidRequest } from './frames.js';
import { hasScope, Scope } from './scopes.js';

export type ExecDecision = 'allow-once' | 'allow-always' | 'deny';
const ALL_DECISIONS: readonly ExecDecision[] = ['allow-once', 'allow-always', 'deny'];

/** What a test asks for (the fields an agent's request carries; defaults make a node request for `echo hi`). */
export interface ExecRequestInput {
  id?: string;
  nodeId?: string;
  host?: 'node' | 'gateway';
  argv?: string[];
  command?: string;
  cwd?: string;
  agentId?: string;
  sessionKey?: string;
  ask?: string;
  security?: string;
  warningText?: string;
  riskKinds?: string[];
  warningLines?: string[];
  allowedDecisions?: ExecDecision[];
  timeoutMs?: number;
}

export interface ExecRecord {
  id: string;
  createdAtMs: number;
  expiresAtMs: number;
  request: Record<string, unknown>;
  status: 'pending' | 'allowed' | 'denied' | 'expired';
  decision?: ExecDecision;
  resolvedAtMs?: number;
  resolvedBy?: string | null;
  /** As approval.get reports it (`runtime:cli` → {kind:'runtime', id:'cli'}). */
  resolver?: { kind: string; id?: string };
  reason?: 'user' | 'timeout';
}

const DEFAULT_TIMEOUT_MS = 1_800_000;

export class ExecApprovalBook {
  private readonly records = new Map<string, ExecRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Requesters of two-phase requests, told the decision in a second `res` frame. */
  private readonly waiters = new Map<string, (payload: unknown) => void>();

  constructor(
    private readonly nowMs: () => number,
    private readonly broadcast: (event: string, payload: unknown) => void,
  ) {}

  /** Creates a request (as `exec.approval.request` with twoPhase does) and announces it to approval routes. */
  create(input: ExecRequestInput = {}): ExecRecord {
    const id = input.id ?? crypto.randomUUID();
    const now = this.nowMs();
    const argv = input.argv ?? ['echo', 'hi'];
    const command = input.command ?? argv.join(' ');
    const host = input.host ?? 'node';
    const cwd = input.cwd ?? '/home/ops';
    const agentId = input.agentId ?? 'main';
    const sessionKey = input.sessionKey ?? 'agent:main:main';
    const request: Record<string, unknown> = {
      command,
      ...(host === 'node' ? { systemRunBinding: { argv, cwd, agentId, sessionKey, envHash: null } } : {}),
      ...(host === 'node'
        ? {
            systemRunPlan: {
              argv,
              cwd,
              commandText: command,
              commandPreview: null,
              agentId,
              sessionKey,
              policySnapshot: { security: input.security ?? 'full', ask: input.ask ?? 'always', askFallback: 'deny' },
            },
          }
        : {}),
      cwd,
      nodeId: host === 'node' ? (input.nodeId ?? 'node-1') : null,
      host,
      security: input.security ?? 'full',
      ask: input.ask ?? 'always',
      warningText: input.warningText ?? null,
      scope: null,
      commandAnalysis: {
        commandCount: 1,
        nestedCommandCount: 0,
        riskKinds: input.riskKinds ?? [],
        warningLines: input.warningLines ?? [],
      },
      allowedDecisions:
        input.allowedDecisions ??
        (input.ask === 'always' || input.ask === undefined ? ['allow-once', 'deny'] : [...ALL_DECISIONS]),
      agentId,
      resolvedPath: host === 'node' ? `/usr/bin/${argv[0] ?? 'sh'}` : null,
      sessionKey,
      sessionId: crypto.randomUUID(),
      runId: null,
      toolCallId: null,
      turnSourceChannel: null,
      turnSourceTo: null,
      turnSourceAccountId: null,
      turnSourceThreadId: null,
      cronExecutionSource: null,
      cronOperationBinding: null,
    };
    const record: ExecRecord = {
      id,
      createdAtMs: now,
      expiresAtMs: now + (input.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      request,
      status: 'pending',
    };
    this.records.set(id, record);
    const timer = setTimeout(() => this.expire(id), input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    timer.unref();
    this.timers.set(id, timer);
    this.broadcast('exec.approval.requested', this.view(record));
    return record;
  }

  get(id: string): ExecRecord | undefined {
    return this.find(id);
  }

  all(): ExecRecord[] {
    return [...this.records.values()];
  }

  /** Resolution by someone else; the live CLI's shows as `resolvedBy:"cli"` in the event, `{kind:"runtime", id:"cli"}` in snapshots. */
  resolveOutside(id: string, decision: ExecDecision, resolvedBy = 'cli'): void {
    this.apply(id, decision, resolvedBy, resolvedBy === 'cli' ? { kind: 'runtime', id: 'cli' } : undefined);
  }

  /** Expires a request now (as its timeout would). */
  expire(id: string): void {
    const record = this.records.get(id);
    if (record?.status !== 'pending') return;
    record.status = 'expired';
    record.decision = 'deny';
    record.reason = 'timeout';
    record.resolvedAtMs = this.nowMs();
    record.resolvedBy = null;
    clearTimeout(this.timers.get(id));
    this.tell(record);
    this.broadcast('exec.approval.resolved', {
      id,
      decision: 'deny',
      resolvedBy: null,
      ts: record.resolvedAtMs,
      request: record.request,
    });
  }

  /** Forgets every request (a gateway restart clears pending approvals). */
  clear(): void {
    this.waiters.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.records.clear();
  }

  // --- RPC handlers --------------------------------------------------------------------------------

  /**
   * `exec.approval.request`: with twoPhase, answers `{status:"accepted", …}` at once and sends the decision later as
   * a second `res` with the same id. With no approval route connected it ends at once with `decision:null`,
   * unless the requester passed `requireDeliveryRoute:false`.
   */
  request(params: Record<string, unknown>, routed: boolean, replyAgain: (payload: unknown) => void): unknown {
    const argv = Array.isArray((params.systemRunPlan as { argv?: unknown } | undefined)?.argv)
      ? ((params.systemRunPlan as { argv: string[] }).argv as string[])
      : undefined;
    const input: ExecRequestInput = {
      host: params.host === 'gateway' ? 'gateway' : 'node',
      ...(typeof params.nodeId === 'string' ? { nodeId: params.nodeId } : {}),
      ...(typeof params.command === 'string' ? { command: params.command } : {}),
      ...(argv ? { argv } : {}),
      ...(typeof params.cwd === 'string' ? { cwd: params.cwd } : {}),
      ...(typeof params.ask === 'string' ? { ask: params.ask } : {}),
      ...(typeof params.timeoutMs === 'number' ? { timeoutMs: params.timeoutMs } : {}),
    };
    if (!routed && params.requireDeliveryRoute !== false) {
      const now = this.nowMs();
      return { id: crypto.randomUUID(), decision: null, createdAtMs: now, expiresAtMs: now };
    }
    const record = this.create(input);
    const decided = { id: record.id, createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs };
    if (params.twoPhase !== true) {
      // One phase: the answer waits for the decision (the fake resolves it with the second frame's body).
      return new Promise((resolve) => this.waiters.set(record.id, resolve));
    }
    this.waiters.set(record.id, replyAgain);
    return { status: 'accepted', ...decided, deliveryRoute: routed ? 'approvals' : 'none' };
  }

  list(scopes: readonly string[]): unknown[] {
    if (!scopes.includes(Scope.admin)) return [];
    return [...this.records.values()].filter((r) => r.status === 'pending').map((r) => this.view(r));
  }

  resolve(scopes: readonly string[], params: Record<string, unknown>, resolvedBy: string): unknown {
    const record = this.visible(scopes, params.id);
    const decision = params.decision as ExecDecision;
    if (!ALL_DECISIONS.includes(decision)) throw invalidRequest('invalid decision');
    if (record.status !== 'pending') {
      if (record.decision === decision && record.reason === 'user') return { ok: true };
      if (record.status === 'expired') throw notFound();
      throw invalidRequest('approval already resolved', { reason: 'APPROVAL_ALREADY_RESOLVED' });
    }
    const allowed = record.request.allowedDecisions as ExecDecision[];
    if (!allowed.includes(decision)) throw invalidRequest(`${decision} is unavailable for this command`);
    this.apply(record.id, decision, resolvedBy);
    return { ok: true };
  }

  approvalGet(scopes: readonly string[], params: Record<string, unknown>): unknown {
    return { approval: this.snapshot(this.visible(scopes, params.id)) };
  }

  history(params: Record<string, unknown>): unknown {
    const limit = Math.min(100, typeof params.limit === 'number' ? params.limit : 50);
    const items = [...this.records.values()]
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .slice(0, limit)
      .map((r) => this.snapshot(r));
    return { items };
  }

  private apply(
    id: string,
    decision: ExecDecision,
    resolvedBy: string,
    resolver?: { kind: string; id?: string },
  ): void {
    const record = this.records.get(id);
    if (record?.status !== 'pending') return;
    const [kind, rest] = resolvedBy.split(':');
    record.resolver = resolver ?? (rest ? { kind: kind ?? 'device', id: rest } : { kind: 'device', id: resolvedBy });
    record.status = decision === 'deny' ? 'denied' : 'allowed';
    record.decision = decision;
    record.reason = 'user';
    record.resolvedAtMs = this.nowMs();
    record.resolvedBy = resolvedBy;
    clearTimeout(this.timers.get(id));
    this.tell(record);
    this.broadcast('exec.approval.resolved', {
      id,
      decision,
      resolvedBy,
      ts: record.resolvedAtMs,
      request: record.request,
    });
  }

  /** The requester's second frame: the decision (null on expiry, as the gateway reports a timeout). */
  private tell(record: ExecRecord): void {
    const waiter = this.waiters.get(record.id);
    if (!waiter) return;
    this.waiters.delete(record.id);
    waiter({
      id: record.id,
      decision: record.reason === 'timeout' ? null : (record.decision ?? null),
      createdAtMs: record.createdAtMs,
      expiresAtMs: record.expiresAtMs,
    });
  }

  /** An id (or 8+ character prefix) this session may see; others' requests need operator.admin. */
  private visible(scopes: readonly string[], id: unknown): ExecRecord {
    if (!hasScope(scopes, 'operator.approvals') && !scopes.includes(Scope.admin))
      throw invalidRequest('missing scope: operator.approvals');
    const record = typeof id === 'string' ? this.find(id) : undefined;
    if (!record || !scopes.includes(Scope.admin)) throw notFound();
    return record;
  }

  private find(id: string): ExecRecord | undefined {
    const exact = this.records.get(id);
    if (exact || id.length < 8) return exact;
    const matches = [...this.records.values()].filter((r) => r.id.startsWith(id));
    return matches.length === 1 ? matches[0] : undefined;
  }

  private view(record: ExecRecord): Record<string, unknown> {
    return {
      approvalKind: 'exec',
      id: record.id,
      createdAtMs: record.createdAtMs,
      expiresAtMs: record.expiresAtMs,
      request: record.request,
    };
  }

  private snapshot(record: ExecRecord): Record<string, unknown> {
    const r = record.request;
    return {
      id: record.id,
      urlPath: `/approvals/${record.id}`,
      status: record.status,
      presentation: {
        kind: 'exec',
        commandText: r.command,
        commandPreview: null,
        warningText: r.warningText ?? null,
        host: r.host,
        nodeId: r.nodeId,
        agentId: r.agentId,
        allowedDecisions: r.allowedDecisions,
      },
      createdAtMs: record.createdAtMs,
      expiresAtMs: record.expiresAtMs,
      ...(record.resolvedAtMs !== undefined ? { resolvedAtMs: record.resolvedAtMs } : {}),
      ...(record.reason ? { reason: record.reason } : {}),
      ...(record.decision ? { decision: record.decision } : {}),
      source: { agentId: r.agentId, sessionKey: r.sessionKey },
      ...(record.resolver ? { resolver: record.resolver } : {}),
    };
  }
}

function notFound() {
  return invalidRequest('unknown or expired approval id', {
    reason: 'APPROVAL_NOT_FOUND',
    remediation: 'Re-request the action; pending approvals are cleared after expiry or restart.',
  });
}
