import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { GatewayConfig } from '../config/gateways.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { FleetModel } from '../fleet/fleet-model.js';
import type { DeviceSigner } from '../gateway/connect-params.js';
import { GatewayClient } from '../gateway/gateway-client.js';
import type { Fingerprinter } from '../pairing/fingerprint.js';
import type { MembershipCheck } from '../pairing/ports.js';
import type { Storage } from '../storage/ports.js';
import { ExecDecider } from './exec-decider.js';
import { ExecApprovalsClient } from './exec-gateway.js';
import { ExecWatcher } from './exec-watcher.js';

/** The cap that makes a session an exec approval route (the gateway also accepts `exec-approvals`). */
export const APPROVALS_CAP = 'approvals';

/**
 * Scopes of the approvals session: the gateway only shows a session the requests of *other* clients (agents, the
 * CLI) with operator.admin, and resolving needs operator.approvals.
 */
export function approvalsScopes(configured: readonly string[]): string[] {
  return [...new Set([...configured, 'operator.approvals', 'operator.admin'])];
}

/** One gateway's exec approvals: its own session (declaring the cap), the watcher and the decider. */
export interface ExecRuntime {
  readonly client: GatewayClient;
  readonly gateway: ExecApprovalsClient;
  readonly watcher: ExecWatcher;
  readonly decider: ExecDecider;
}

export interface ExecRuntimeParts {
  storage: Storage;
  audit: AuditLog;
  domain: DomainEvents;
  fingerprint: Fingerprinter;
  approvers: readonly string[];
  isMember: MembershipCheck;
  signer: DeviceSigner;
  directory: FleetModel;
  requestReconcile: (reason: string) => void;
  claimsShared?: boolean | undefined;
  reconcileIntervalMs?: number | undefined;
  /** OPENCLAW_REQUIRE_REASON and OPENCLAW_TWO_PERSON (any setting but off covers exec approvals: they run code). */
  rules?: { readonly requireReason: string; readonly twoPerson: string } | undefined;
  log: Logger;
  nowMs: () => number;
}

/** A card is not held back longer than this for the node's display name (it names the node id either way). */
const NODE_NAME_WAIT_MS = 1_000;

async function nodeNameWithin(directory: FleetModel, nodeId: string, waitMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    const nodes = await Promise.race([directory.list(), late]);
    return nodes?.find((n) => n.nodeId === nodeId)?.displayName;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds (does not start) the approvals session, watcher and decider of one gateway. */
export function createExecRuntime(config: GatewayConfig, parts: ExecRuntimeParts): ExecRuntime {
  const log = parts.log.child({ gateway: config.id });
  const client = new GatewayClient({
    url: config.url,
    auth: config.auth,
    scopes: approvalsScopes(config.scopes),
    caps: [APPROVALS_CAP],
    displayName: `${config.clientName} (exec approvals)`.slice(0, 64),
    signer: parts.signer,
    log: log.child({ component: 'gateway', session: 'approvals' }),
    nowMs: parts.nowMs,
  });
  const gateway = new ExecApprovalsClient(client);
  const decider: ExecDecider = new ExecDecider({
    gatewayId: config.id,
    gateway,
    storage: parts.storage,
    audit: parts.audit,
    domain: parts.domain,
    approvers: parts.approvers,
    isMember: parts.isMember,
    requestReconcile: parts.requestReconcile,
    log: log.child({ component: 'exec-decisions' }),
    claimsShared: parts.claimsShared,
    requireReason: (parts.rules?.requireReason ?? 'off') !== 'off',
    twoPerson: (parts.rules?.twoPerson ?? 'off') !== 'off',
    nowMs: parts.nowMs,
  });
  const watcher = new ExecWatcher({
    gatewayId: config.id,
    gateway,
    events: client,
    storage: parts.storage,
    audit: parts.audit,
    domain: parts.domain,
    fingerprint: parts.fingerprint,
    nodeName: (nodeId) => nodeNameWithin(parts.directory, nodeId, NODE_NAME_WAIT_MS),
    onReconciled: () => decider.resumeClaims(),
    isConnected: () => client.isConnected,
    log: log.child({ component: 'exec' }),
    reconcileIntervalMs: parts.reconcileIntervalMs,
    nowMs: parts.nowMs,
  });
  return { client, gateway, watcher, decider };
}
