import { z } from 'zod/v4';

// Informational fields are lenient: a value of an unexpected type becomes "absent" instead of failing the
// whole result (the live gateway sends e.g. `sessionHost: true`). Identifiers stay strict.
export const strings = z.array(z.string()).catch([]).default([]);
export const optNum = z.number().optional().catch(undefined);
export const optStr = z.string().optional().catch(undefined);

/** One `system-presence` entry. */
export const PresenceEntrySchema = z
  .object({
    host: optStr,
    clientId: optStr,
    version: optStr,
    platform: optStr,
    deviceFamily: optStr,
    mode: optStr,
    deviceId: optStr,
    roles: strings,
    instanceId: optStr,
    reason: optStr,
    ts: optNum,
    text: optStr,
    ip: optStr,
  })
  .passthrough();
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

export const HostStatsSchema = z
  .object({
    cpuCount: optNum,
    loadAverage: z.array(z.number()).optional().catch(undefined),
    memoryTotalBytes: optNum,
    memoryFreeBytes: optNum,
    diskTotalBytes: optNum,
    /** Free disk for non-root users on the volume of the node's home directory (`statfs` bavail). */
    diskAvailableBytes: optNum,
    updatedAtMs: optNum,
  })
  .passthrough();
export type HostStats = z.infer<typeof HostStatsSchema>;

/** A node as `node.list` / `node.describe` report it. */
export const NodeInfoSchema = z
  .object({
    nodeId: z.string(),
    displayName: optStr,
    platform: optStr,
    version: optStr,
    clientId: optStr,
    clientMode: optStr,
    deviceFamily: optStr,
    caps: strings,
    commands: strings,
    sessionHost: z.union([z.string(), z.boolean()]).optional().catch(undefined),
    remoteIp: optStr,
    hostStats: HostStatsSchema.optional().catch(undefined),
    pathEnv: optStr,
    approvalState: optStr,
    pendingRequestId: optStr,
    pendingDeclaredCaps: z.array(z.string()).optional().catch(undefined),
    pendingDeclaredCommands: z.array(z.string()).optional().catch(undefined),
    connectedAtMs: optNum,
    lastConnectedAtMs: optNum,
    lastSeenAtMs: optNum,
    lastSeenReason: optStr,
    approvedAtMs: optNum,
    paired: z.boolean().optional().catch(undefined),
    connected: z.boolean().optional().catch(undefined),
  })
  .passthrough();
export type NodeInfo = z.infer<typeof NodeInfoSchema>;

export const NodeListSchema = z.object({ ts: optNum, nodes: z.array(NodeInfoSchema) }).passthrough();
export type NodeList = z.infer<typeof NodeListSchema>;
export const NodeDescribeSchema = NodeInfoSchema.extend({ ts: optNum });

/** A pending node pairing request (`node.pair.requested` payload and `node.pair.list` pending entry). */
export const NodePairRequestSchema = z
  .object({
    requestId: z.string().min(1),
    nodeId: z.string(),
    clientId: optStr,
    clientMode: optStr,
    displayName: optStr,
    platform: optStr,
    version: optStr,
    deviceFamily: optStr,
    remoteIp: optStr,
    caps: strings,
    commands: strings,
    requiredApproveScopes: strings,
    silent: z.boolean().optional(),
    isRepair: z.boolean().optional(),
    ts: optNum,
  })
  .passthrough();
export type NodePairRequest = z.infer<typeof NodePairRequestSchema>;

export const PairedNodeSchema = z
  .object({ nodeId: z.string(), displayName: optStr, caps: strings, commands: strings, approvedAtMs: optNum })
  .passthrough();
export type PairedNode = z.infer<typeof PairedNodeSchema>;

export const NodePairListSchema = z
  .object({ pending: z.array(NodePairRequestSchema).default([]), paired: z.array(PairedNodeSchema).default([]) })
  .passthrough();
export type NodePairList = z.infer<typeof NodePairListSchema>;

/** `node.pair.resolved` payload; a removal has an empty requestId. */
export const NodePairResolvedSchema = z
  .object({ requestId: z.string(), nodeId: optStr, decision: z.string(), ts: optNum })
  .passthrough();
export type NodePairResolved = z.infer<typeof NodePairResolvedSchema>;

/** A pending device pairing request. */
export const DevicePairRequestSchema = z
  .object({
    requestId: z.string().min(1),
    deviceId: z.string(),
    publicKey: optStr,
    displayName: optStr,
    platform: optStr,
    clientId: optStr,
    clientMode: optStr,
    role: optStr,
    roles: strings,
    scopes: strings,
    remoteIp: optStr,
    silent: z.boolean().optional(),
    isRepair: z.boolean().optional(),
    ts: optNum,
  })
  .passthrough();
export type DevicePairRequest = z.infer<typeof DevicePairRequestSchema>;

export const DevicePairListSchema = z
  .object({
    pending: z.array(DevicePairRequestSchema).default([]),
    paired: z.array(z.object({ deviceId: z.string(), approvedAtMs: optNum }).passthrough()).default([]),
  })
  .passthrough();
export type DevicePairList = z.infer<typeof DevicePairListSchema>;

export const DevicePairResolvedSchema = z
  .object({ requestId: z.string(), deviceId: optStr, decision: z.string(), ts: optNum })
  .passthrough();
export type DevicePairResolved = z.infer<typeof DevicePairResolvedSchema>;

/** `node.invoke` result. */
export const NodeInvokeResultSchema = z
  .object({ ok: z.boolean().optional(), nodeId: optStr, command: optStr, payload: z.unknown().optional() })
  .passthrough();
export type NodeInvokeResult = z.infer<typeof NodeInvokeResultSchema>;

export const NodeRenameResultSchema = z.object({ nodeId: z.string(), displayName: z.string() }).passthrough();
export const PairApproveResultSchema = z.object({ requestId: z.string() }).passthrough();
export const NodeRemoveResultSchema = z.object({ nodeId: z.string() }).passthrough();
