import crypto from 'node:crypto';
import type { z } from 'zod/v4';
import { GatewayMethodRemovedError, GatewaySchemaError } from '../errors.js';
import { formatIssues } from './frames.js';
import {
  DevicePairListSchema,
  NodeDescribeSchema,
  NodeInvokeResultSchema,
  NodeListSchema,
  NodePairListSchema,
  NodeRemoveResultSchema,
  NodeRenameResultSchema,
  PairApproveResultSchema,
  PresenceEntrySchema,
} from './schemas.js';

/** The one thing NodeManager needs from a session: send an RPC, get its payload. */
export interface GatewayRequester {
  request(method: string, params?: unknown, opts?: { timeoutMs?: number }): Promise<unknown>;
}

export interface InvokeInput {
  nodeId: string;
  command: string;
  params?: Record<string, unknown> | undefined;
  timeoutMs?: number | undefined;
  /** Defaults to a fresh UUID: the gateway requires one but does not deduplicate on it. */
  idempotencyKey?: string | undefined;
}

/** Slack for the RPC deadline beyond the node's own invoke timeout. */
const INVOKE_DEADLINE_MARGIN_MS = 5_000;

/** The seed SDK's NodeManager, speaking the live gateway's method names and parameters. */
export class NodeManager {
  constructor(
    private readonly gateway: GatewayRequester,
    private readonly createKey: () => string = () => crypto.randomUUID(),
  ) {}

  /** `system-presence`: who is connected (a bare array on the wire). */
  async systemPresence() {
    return this.call('system-presence', {}, PresenceEntrySchema.array());
  }

  /** `node.list`: every known node with approval and connection state. */
  async list() {
    return this.call('node.list', {}, NodeListSchema);
  }

  /** `node.describe`: one node (throws "unknown nodeId" for names; resolve names first). */
  async describe(nodeId: string) {
    return this.call('node.describe', { nodeId }, NodeDescribeSchema);
  }

  /** `node.rename`. */
  async rename(nodeId: string, displayName: string) {
    return this.call('node.rename', { nodeId, displayName }, NodeRenameResultSchema);
  }

  /** `node.invoke` with its own idempotency key; the RPC deadline outlives the node's timeout. */
  async invoke(input: InvokeInput) {
    const params: Record<string, unknown> = {
      nodeId: input.nodeId,
      command: input.command,
      idempotencyKey: input.idempotencyKey ?? this.createKey(),
    };
    if (input.params !== undefined) params.params = input.params;
    if (input.timeoutMs !== undefined) params.timeoutMs = input.timeoutMs;
    const deadline = input.timeoutMs !== undefined ? input.timeoutMs + INVOKE_DEADLINE_MARGIN_MS : undefined;
    return this.call('node.invoke', params, NodeInvokeResultSchema, deadline);
  }

  /** `node.pair.list`: pending and paired nodes. */
  async pairList() {
    return this.call('node.pair.list', {}, NodePairListSchema);
  }

  /** `node.pair.approve`. */
  async pairApprove(requestId: string) {
    return this.call('node.pair.approve', { requestId }, PairApproveResultSchema);
  }

  /** `node.pair.reject`. */
  async pairReject(requestId: string) {
    return this.call('node.pair.reject', { requestId }, PairApproveResultSchema);
  }

  /** `node.pair.remove`: forget a paired node (disconnects it). */
  async pairRemove(nodeId: string) {
    return this.call('node.pair.remove', { nodeId }, NodeRemoveResultSchema);
  }

  /** `device.pair.list`. */
  async devicePairList() {
    return this.call('device.pair.list', {}, DevicePairListSchema);
  }

  /** `device.pair.approve`. */
  async devicePairApprove(requestId: string) {
    return this.call('device.pair.approve', { requestId }, PairApproveResultSchema);
  }

  /** `device.pair.reject`. */
  async devicePairReject(requestId: string) {
    return this.call('device.pair.reject', { requestId }, PairApproveResultSchema);
  }

  /** Seed name: removed from the gateway in 2026.7. Fails locally with a typed error that says so. */
  async pairRequest(_input?: unknown): Promise<never> {
    throw new GatewayMethodRemovedError('node.pair.request');
  }

  /** Seed name: removed from the gateway in 2026.7. */
  async pairVerify(_input?: unknown): Promise<never> {
    throw new GatewayMethodRemovedError('node.pair.verify');
  }

  /** Node-role call: from an operator session the gateway refuses it with a typed error. */
  async invokeResult(input: { id: string; nodeId: string; ok: boolean; payload?: unknown }) {
    return this.gateway.request('node.invoke.result', input);
  }

  /** Node-role call: from an operator session the gateway refuses it with a typed error. */
  async emitEvent(input: { event: string; payload?: unknown }) {
    return this.gateway.request('node.event', input);
  }

  private async call<S extends z.ZodType>(method: string, params: unknown, schema: S, timeoutMs?: number) {
    const payload = await this.gateway.request(method, params, timeoutMs ? { timeoutMs } : {});
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new GatewaySchemaError(`${method} result`, formatIssues(parsed.error));
    return parsed.data as z.output<S>;
  }
}
