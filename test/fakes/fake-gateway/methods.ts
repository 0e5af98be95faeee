import { invalidRequest, missingScope } from './frames.js';
import { type InvokeParams, type InvokeRouting, relayInvoke } from './node-invoke.js';
import { PAIRING_METHODS } from './pairing-methods.js';
import { validateAgainst } from './protocol-schema.js';
import { ADMIN_INVOKE_COMMANDS, hasScope, Scope } from './scopes.js';
import type { GatewayState } from './state.js';
import { renderNodeListEntry } from './views.js';

/** RPC dispatch for operator sessions: method lookup → role → scope → params → handler (reference §7, §8). */

export interface MethodContext {
  /** Scopes granted to the calling session (`hello-ok.auth.scopes`). */
  scopes: readonly string[];
  /** The calling session's display name (what the gateway records as an approval's resolver). */
  displayName: string;
  state: GatewayState;
  nowMs: number;
  presence: () => Record<string, unknown>[];
  invoke: InvokeRouting;
  isDeviceConnected: (deviceId: string) => boolean;
  closeDeviceSessions: (deviceId: string, code: number, reason: string) => void;
  /** Whether a session that declares the approvals cap (with operator.admin) is connected. */
  hasApprovalRoute: () => boolean;
  /** Sends another `res` frame for the same request id. */
  replyAgain: (payload: unknown) => void;
}

export interface MethodSpec {
  /** Required scope; `node` marks node-only methods an operator may not call. */
  scope: string;
  /** Definition in protocol.schema.json that validates params. */
  schema?: string;
  handle?: (ctx: MethodContext, params: Record<string, unknown>) => unknown;
}

const NODE_ONLY = 'node';

function describeNode(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const node = ctx.state.node(String(params.nodeId));
  if (!node) throw invalidRequest('unknown nodeId');
  return { ts: ctx.nowMs, ...renderNodeListEntry(node) };
}

function renameNode(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const displayName = String(params.displayName).trim();
  if (!displayName) throw invalidRequest('displayName required');
  const node = ctx.state.node(String(params.nodeId));
  if (!node) throw invalidRequest('unknown nodeId');
  node.displayName = displayName;
  return { nodeId: node.nodeId, displayName };
}

function invokeNode(ctx: MethodContext, params: Record<string, unknown>): unknown {
  const input = params as unknown as InvokeParams;
  if (ADMIN_INVOKE_COMMANDS.has(input.command) && !hasScope(ctx.scopes, Scope.admin)) {
    throw missingScope(Scope.admin, [Scope.admin]);
  }
  return relayInvoke(ctx.invoke, input);
}

const METHODS: Record<string, MethodSpec> = {
  'system-presence': { scope: Scope.read, handle: (ctx) => ctx.presence() },
  'node.list': {
    scope: Scope.read,
    schema: 'NodeListParams',
    handle: (ctx) => ({ ts: ctx.nowMs, nodes: ctx.state.nodes().map(renderNodeListEntry) }),
  },
  'node.describe': { scope: Scope.read, schema: 'NodeDescribeParams', handle: describeNode },
  'node.rename': { scope: Scope.pairing, schema: 'NodeRenameParams', handle: renameNode },
  'node.invoke': { scope: Scope.write, schema: 'NodeInvokeParams', handle: invokeNode },
  'node.invoke.result': { scope: NODE_ONLY },
  'node.event': { scope: NODE_ONLY },
  'node.pending.pull': { scope: NODE_ONLY },
  ...PAIRING_METHODS,
  'exec.approval.request': {
    scope: Scope.approvals,
    schema: 'ExecApprovalRequestParams',
    handle: (ctx, params) => ctx.state.exec.request(params, ctx.hasApprovalRoute(), ctx.replyAgain),
  },
  'exec.approval.list': { scope: Scope.approvals, handle: (ctx) => ctx.state.exec.list(ctx.scopes) },
  'exec.approval.resolve': {
    scope: Scope.approvals,
    schema: 'ExecApprovalResolveParams',
    handle: (ctx, params) => ctx.state.exec.resolve(ctx.scopes, params, ctx.displayName),
  },
  'approval.get': {
    scope: Scope.approvals,
    schema: 'ApprovalGetParams',
    handle: (ctx, params) => ctx.state.exec.approvalGet(ctx.scopes, params),
  },
  'approval.history': {
    scope: Scope.approvals,
    schema: 'ApprovalHistoryParams',
    handle: (ctx, params) => ctx.state.exec.history(params),
  },
};

/** Methods advertised in `hello-ok.features.methods` (node-only ones included, as the gateway does). */
export const FEATURE_METHODS: readonly string[] = Object.keys(METHODS);

/** Runs one request; rejections are thrown as `GatewayMethodError`. */
export async function dispatchMethod(method: string, rawParams: unknown, ctx: MethodContext): Promise<unknown> {
  const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!spec) throw invalidRequest(`unknown method: ${method}`);
  if (spec.scope === NODE_ONLY || !spec.handle) throw invalidRequest('unauthorized role: operator');
  if (!hasScope(ctx.scopes, spec.scope)) throw missingScope(spec.scope, [spec.scope]);
  // Absent params are treated as {} (the reference client always sends an object).
  const params = rawParams ?? {};
  if (spec.schema) {
    const problem = validateAgainst(spec.schema, params);
    if (problem) throw invalidRequest(`invalid ${method} params: ${problem}`);
  }
  return spec.handle(ctx, params as Record<string, unknown>);
}
