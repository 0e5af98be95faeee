import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { GatewayConfig } from '../config/gateways.js';
import type { RuleScope } from '../config/workflow.js';
import type { DomainEvents } from '../events/domain-events.js';
import { createExecRuntime } from '../exec/exec-runtime.js';
import { ApprovalReceipts } from '../fleet/approval-receipts.js';
import { FleetModel } from '../fleet/fleet-model.js';
import { NodeAlerts } from '../fleet/node-alerts.js';
import { DeviceIdentity } from '../gateway/device-identity.js';
import { GatewayClient } from '../gateway/gateway-client.js';
import { NodeManager } from '../gateway/nodes.js';
import { ApprovalExpiry } from '../pairing/approval-expiry.js';
import { type AccessLists, PairingDecider } from '../pairing/decider.js';
import type { Fingerprinter } from '../pairing/fingerprint.js';
import { PairingWatcher } from '../pairing/pairing-watcher.js';
import type { MembershipCheck } from '../pairing/ports.js';
import { Reminders } from '../pairing/reminders.js';
import type { CommandPolicy } from '../policy/command-policy.js';
import { GatewayAlerts } from '../slack/gateway-alerts.js';
import type { Storage } from '../storage/ports.js';
import { GatewayDuties } from './gateway-duties.js';
import type { GatewayRuntime } from './gateways.js';

/** What every gateway's runtime shares. */
export interface SharedParts {
  storage: Storage;
  audit: AuditLog;
  domain: DomainEvents;
  policy: CommandPolicy;
  fingerprint: Fingerprinter;
  access: AccessLists;
  isMember: MembershipCheck;
  log: Logger;
  alertAfterMs: number;
  /** How alerts name the gateway (one gateway: no name). */
  label: string | undefined;
  reconcileIntervalMs?: number | undefined;
  /** Replicas share claims: a decider leaves the young claims of other processes alone. */
  claimsShared?: boolean | undefined;
  supersedeGraceMs?: number | undefined;
  /** Node alerts (OPENCLAW_NODE_ALERTS): undefined when they are off. */
  nodeAlerts?:
    | { readonly offlineAfterMs: number; readonly diskPercent: number; readonly channel: string | undefined }
    | undefined;
  /** OPENCLAW_REMIND_AFTER_MS; 0 or undefined: no reminders. */
  remindAfterMs?: number | undefined;
  /** OPENCLAW_REQUIRE_REASON and OPENCLAW_TWO_PERSON (undefined: both off). */
  rules?: { readonly requireReason: RuleScope; readonly twoPerson: RuleScope } | undefined;
  /** OPENCLAW_APPROVAL_DURATIONS in ms (empty or undefined: approvals are permanent). */
  approvalDurationsMs?: readonly number[] | undefined;
  /** How often time-bound approvals are checked for their end (default 5 s). */
  expiryCheckMs?: number | undefined;
  /** Exec approvals (OPENCLAW_EXEC_APPROVALS): who may decide; undefined when they are off. */
  exec?: { readonly approvers: readonly string[] } | undefined;
  nowMs: () => number;
}

/** Builds one gateway's session, device identity, watcher, decider, alerts and duties (nothing started yet). */
export async function createGatewayRuntime(config: GatewayConfig, shared: SharedParts): Promise<GatewayRuntime> {
  const { storage, log, nowMs } = shared;
  const gatewayLog = log.child({ gateway: config.id });
  const identity = await DeviceIdentity.loadOrCreate(storage.identities, config.id, nowMs);
  const client = new GatewayClient({
    url: config.url,
    auth: config.auth,
    scopes: config.scopes,
    displayName: config.clientName,
    signer: identity,
    log: gatewayLog.child({ component: 'gateway' }),
    nowMs,
  });
  const nodes = new NodeManager(client);
  const watcher: PairingWatcher = new PairingWatcher({
    gatewayId: config.id,
    gateway: nodes,
    events: client,
    storage,
    audit: shared.audit,
    domain: shared.domain,
    fingerprint: shared.fingerprint,
    log: gatewayLog.child({ component: 'pairing' }),
    onReconciled: (): Promise<void> => decider.resumeClaims(),
    reconcileIntervalMs: shared.reconcileIntervalMs,
    supersedeGraceMs: shared.supersedeGraceMs,
    nowMs,
  });
  const decider: PairingDecider = new PairingDecider({
    gatewayId: config.id,
    gateway: nodes,
    storage,
    audit: shared.audit,
    domain: shared.domain,
    policy: shared.policy,
    requestReconcile: (reason) => duties.requestReconcile(reason),
    access: shared.access,
    isMember: shared.isMember,
    fingerprint: shared.fingerprint,
    log: gatewayLog.child({ component: 'decisions' }),
    claimsShared: shared.claimsShared,
    durationsMs: shared.approvalDurationsMs ?? [],
    rules: shared.rules,
    nowMs,
  });
  const alerts = new GatewayAlerts({
    gatewayId: config.id,
    label: shared.label ? `The OpenClaw gateway \`${config.id}\`` : 'The OpenClaw gateway',
    channel: config.pairingChannel,
    alertAfterMs: shared.alertAfterMs,
    onQueued: () => shared.domain.emit({ type: 'delivery.queued' }),
    onError: (err) => gatewayLog.error({ err }, 'could not queue a gateway alert'),
    nowMs,
  });
  const directory = new FleetModel({
    source: nodes,
    events: client,
    log: gatewayLog.child({ component: 'fleet' }),
    nowMs,
  });
  directory.start();
  const exec = shared.exec
    ? createExecRuntime(config, {
        ...shared,
        approvers: shared.exec.approvers,
        signer: identity,
        directory,
        requestReconcile: (reason) => duties.requestReconcile(reason),
      })
    : undefined;
  const nodeAlerts = shared.nodeAlerts
    ? new NodeAlerts({
        gatewayId: config.id,
        fleet: directory,
        isConnected: () => client.isConnected,
        channel: shared.nodeAlerts.channel ?? config.pairingChannel,
        offlineAfterMs: shared.nodeAlerts.offlineAfterMs,
        diskPercent: shared.nodeAlerts.diskPercent,
        onQueued: () => shared.domain.emit({ type: 'delivery.queued' }),
        log: gatewayLog.child({ component: 'node-alerts' }),
        nowMs,
      })
    : undefined;
  const reminders = shared.remindAfterMs
    ? new Reminders({
        gatewayId: config.id,
        storage,
        remindAfterMs: shared.remindAfterMs,
        onQueued: () => shared.domain.emit({ type: 'delivery.queued' }),
        log: gatewayLog.child({ component: 'reminders' }),
        nowMs,
      })
    : undefined;
  // A new request sets the reminder timer (the check itself does nothing while the duties are not running here).
  shared.domain.on('request.seen', (e) => {
    if (e.key.gateway === config.id) reminders?.schedule();
  });
  // Always on: approvals given while OPENCLAW_APPROVAL_DURATIONS was set still end after it is unset.
  const expiry = new ApprovalExpiry({
    gateway: { id: config.id, nodes },
    storage,
    audit: shared.audit,
    isConnected: () => client.isConnected,
    onEnded: () => shared.domain.emit({ type: 'delivery.queued' }),
    log: gatewayLog.child({ component: 'expiry' }),
    checkEveryMs: shared.expiryCheckMs,
    nowMs,
  });
  const receipts = new ApprovalReceipts({
    gatewayId: config.id,
    storage,
    nodes: () => directory.current(),
    fetchNodes: () => directory.list(),
    isSensitive: (command) => shared.policy.riskOf(command) !== 'ordinary',
    onQueued: () => shared.domain.emit({ type: 'delivery.queued' }),
    log: gatewayLog.child({ component: 'receipts' }),
    nowMs,
  });
  const duties: GatewayDuties = new GatewayDuties({
    watcher,
    alerts,
    client,
    execWatcher: exec?.watcher,
    nodeAlerts,
    reminders,
    expiry,
    receipts,
  });
  // A receipt is due when the node shows up with its approved commands, often at once after the approval.
  directory.onChange(() => duties.checkReceipts('fleet'));
  shared.domain.on('request.resolved', (e) => {
    if (e.key.gateway === config.id && e.status === 'approved') duties.checkReceipts();
  });
  // A planned restart (the gateway says how long it expects to be away) is not an outage until that time is up.
  client.on('shutdown', (payload) => alerts.onShutdown(payload));
  client.onStateChange((status) => {
    alerts.onStatus(status);
    // A list fetched over a session that is gone may say nodes are online that are not: never serve it again.
    if (status.state !== 'connected') directory.sessionLost(status.sinceMs);
    if (status.state === 'connected') {
      shared.domain.emit({ type: 'gateway.up', gateway: config.id });
      duties.checkExpiry();
    } else if (status.state === 'reconnecting' || status.state === 'paused')
      shared.domain.emit({
        type: 'gateway.down',
        gateway: config.id,
        sinceMs: status.sinceMs,
        lastError: status.lastError,
      });
  });
  return { id: config.id, config, client, nodes, directory, watcher, decider, alerts, receipts, duties, exec };
}
