import { GatewayMethodError, invalidRequest, unavailable } from './frames.js';
import type { FakeNode, GatewayState } from './state.js';

/** `node.invoke` relay semantics (reference §7) with a handler the test controls. */

export interface InvokeCall {
  nodeId: string;
  command: string;
  params: unknown;
  timeoutMs?: number;
  idempotencyKey: string;
  sessionKey?: string;
  node: Readonly<FakeNode>;
}

/** Returns the command's payload; `undefined` falls through to the default handler. */
export type InvokeHandler = (call: InvokeCall) => unknown;

/** Thrown by a handler to fail the command on the node (→ `UNAVAILABLE "<code>: <message>"`). */
export class NodeCommandError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'NodeCommandError';
    this.code = code;
  }
}

export const DEFAULT_KNOWN_BINS: readonly string[] = ['sh', 'bash', 'ls', 'cat', 'echo', 'git', 'node', 'python3'];
const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;

function readStringArray(params: unknown, key: string): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const value = (params as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `system.which` knows `knownBins`; `system.run` succeeds (echoing `echo` arguments); others → `{}`. */
export function createDefaultInvokeHandler(knownBins: readonly string[] = DEFAULT_KNOWN_BINS): InvokeHandler {
  return (call) => {
    if (call.command === 'system.which') {
      const found = readStringArray(call.params, 'bins').filter((bin) => knownBins.includes(bin));
      return { bins: Object.fromEntries(found.map((bin) => [bin, `/usr/bin/${bin}`])) };
    }
    if (call.command === 'system.run') {
      const argv = readStringArray(call.params, 'command');
      const stdout = argv[0] === 'echo' ? `${argv.slice(1).join(' ')}\n` : '';
      return { exitCode: 0, timedOut: false, success: true, stdout, stderr: '', error: null };
    }
    return {};
  };
}

export interface InvokeParams {
  nodeId: string;
  command: string;
  params?: unknown;
  timeoutMs?: number;
  idempotencyKey: string;
  sessionKey?: string;
}

export interface InvokeRouting {
  state: GatewayState;
  handlerFor: (nodeId: string) => InvokeHandler | undefined;
  fallback: InvokeHandler;
}

function pairingChanged(): Error {
  return unavailable('node pairing changed while invocation was active', { code: 'PAIRING_CHANGED' }, true);
}

function runWithDeadline(run: () => unknown, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        unavailable('TIMEOUT: node invoke timed out', { nodeError: { code: 'TIMEOUT' }, nodeCommandDispatched: false }),
      );
    }, timeoutMs);
    timer.unref();
    Promise.resolve()
      .then(run)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

function toNodeFailure(err: unknown): Error {
  const code = err instanceof NodeCommandError ? err.code : 'UNAVAILABLE';
  const message = err instanceof Error ? err.message : String(err);
  return unavailable(`${code}: ${message}`, { nodeError: { code, message }, nodeCommandDispatched: true });
}

/** Relays one invoke to the fake node; every failure is the gateway's error shape. */
export async function relayInvoke(routing: InvokeRouting, input: InvokeParams): Promise<Record<string, unknown>> {
  if (input.command.startsWith('system.execApprovals.')) {
    throw invalidRequest('node.invoke does not allow system.execApprovals.*; use exec.approvals.node.*');
  }
  const node = routing.state.node(input.nodeId);
  if (node?.approvalState !== 'approved') throw pairingChanged();
  if (!node.connected) {
    throw unavailable('node not connected', {
      code: 'NOT_CONNECTED',
      nodeError: { code: 'NOT_CONNECTED', message: 'node not connected' },
      nodeCommandDispatched: false,
    });
  }
  if (!node.commands.includes(input.command)) {
    throw invalidRequest(
      `node command not allowed: the node (platform: ${node.platform}) does not support "${input.command}"`,
      { reason: 'command not declared by node', command: input.command },
    );
  }
  const call: InvokeCall = {
    nodeId: node.nodeId,
    command: input.command,
    params: input.params,
    idempotencyKey: input.idempotencyKey,
    node: structuredClone(node),
  };
  if (input.timeoutMs !== undefined) call.timeoutMs = input.timeoutMs;
  if (input.sessionKey !== undefined) call.sessionKey = input.sessionKey;
  const handler = routing.handlerFor(node.nodeId);
  const run = async (): Promise<unknown> => (await handler?.(call)) ?? routing.fallback(call);
  const payload = await runWithDeadline(run, input.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS).catch((err: unknown) => {
    throw err instanceof GatewayMethodError ? err : toNodeFailure(err);
  });
  const normalized = payload === undefined ? null : payload;
  return {
    ok: true,
    nodeId: node.nodeId,
    command: input.command,
    payload: normalized,
    payloadJSON: JSON.stringify(normalized),
  };
}
