import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Tier } from '../../commands/access.js';
import type { GatewayStatus } from '../../gateway/gateway-client.js';
import type { NodeManager } from '../../gateway/nodes.js';
import type { PairingDecider } from '../../pairing/decider.js';
import type { MembershipCheck } from '../../pairing/ports.js';
import type { PairingStore } from '../../pairing/store.js';
import type { CommandPolicy } from '../../policy/command-policy.js';
import type { Attachment } from '../attach-output.js';
import type { RenderedMessage } from '../blocks/block-kit.js';
import type { CardContext } from '../blocks/pairing-card.js';
import type { NodeDirectory } from './node-directory.js';

/** Everything a slash command may touch. */
export interface CommandDeps {
  nodes: NodeManager;
  /** node.list shared for a moment between commands and clicks. */
  directory: NodeDirectory;
  gatewayStatus: () => GatewayStatus;
  store: PairingStore;
  decider: PairingDecider;
  audit: AuditLog;
  isMember: MembershipCheck;
  access: {
    readonly approvers: readonly string[];
    readonly admins: readonly string[];
    readonly invokers: readonly string[];
    readonly invokeAllow: readonly string[];
    readonly invokeDeny: readonly string[];
  };
  /** Command risk: harmless list, OPENCLAW_ORDINARY_COMMANDS, OPENCLAW_ALLOW_SYSTEM_RUN. */
  policy: CommandPolicy;
  /** What pairing cards need to render (deciders, policy, clock). */
  cardContext: () => CardContext;
  log: Logger;
  nowMs: () => number;
  newId: () => string;
  syncCards: () => Promise<void>;
}

/** What a command answers: a message, optionally shared in the channel, optionally full output as a file. */
export interface Answer extends RenderedMessage {
  readonly share?: boolean;
  readonly attachment?: Attachment | undefined;
}

/** The Slack tiers a user holds (admins hold everything). */
export async function resolveTiers(deps: CommandDeps, userId: string): Promise<Tier[]> {
  const tiers: Tier[] = ['everyone'];
  if (await deps.isMember(userId, deps.access.invokers)) tiers.push('invoker');
  if (await deps.isMember(userId, deps.access.approvers)) tiers.push('approver');
  if (await deps.isMember(userId, deps.access.admins)) tiers.push('admin');
  return tiers;
}
