/** Every Slack listener of the bot, on one Bolt app: the workspace guard first, then clicks, commands, modals, Home. */
import crypto from 'node:crypto';
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CommandDeps } from '../../commands/command-context.js';
import type { Config } from '../../config.js';
import type { DomainEvents } from '../../events/domain-events.js';
import type { Metrics } from '../../metrics.js';
import type { MembershipCheck } from '../../pairing/ports.js';
import type { CommandPolicy } from '../../policy/command-policy.js';
import type { Gateways } from '../../runtime/gateways.js';
import type { Storage } from '../../storage/ports.js';
import { AppHome } from '../app-home.js';
import type { CardContext } from '../blocks/pairing-card.js';
import { ReasonModals } from '../reason-modals.js';
import { ReviewModals } from '../review-modals.js';
import { registerWorkspaceGuard, type SlackIdentity } from '../slack-app.js';
import { register as registerApprovalControls } from './actions/approval-controls.js';
import type { DecisionClickDeps } from './actions/click-origin.js';
import { register as registerCommandConfirm } from './actions/command-confirm.js';
import { register as registerExecDecision } from './actions/exec-decision.js';
import { register as registerNodesPage } from './actions/nodes-page.js';
import { register as registerPairingDecision } from './actions/pairing-decision.js';
import { register as registerPairingReview } from './actions/pairing-review.js';
import { register as registerOpenclawCommand } from './commands/openclaw.js';
import { register as registerAppHomeOpened } from './events/app-home-opened.js';
import { register as registerReasonSubmitted } from './views/reason-submitted.js';

/** What the listeners share with the rest of the bot. */
export interface ListenerParts {
  readonly config: Config;
  readonly identity: SlackIdentity;
  readonly gateways: Gateways;
  readonly storage: Storage;
  readonly audit: AuditLog;
  readonly policy: CommandPolicy;
  readonly metrics: Metrics;
  readonly isMember: MembershipCheck;
  readonly cardContext: () => CardContext;
  /** Brings every card up to date at once (after a decision). */
  readonly syncCards: () => Promise<void>;
  readonly events: DomainEvents;
  readonly log: Logger;
  readonly nowMs: () => number;
}

/** Registers everything; the returned function stops what runs in the background (Home refreshes). */
export function registerListeners(app: App, parts: ListenerParts): () => void {
  const { config, gateways, storage, audit, policy, metrics, log, cardContext, syncCards } = parts;
  registerWorkspaceGuard(app, parts.identity, log);
  const modals = new ReviewModals({ storage, context: cardContext, log: log.child({ component: 'modals' }) });
  registerPairingReview(app, { modals, log: log.child({ component: 'clicks' }) });
  const home = new AppHome({
    gateways,
    storage,
    context: cardContext,
    isMember: parts.isMember,
    deciders: [
      ...config.access.approvers,
      ...config.access.admins,
      ...(config.exec.enabled ? config.exec.approvers : []),
    ],
    log: log.child({ component: 'home' }),
    nowMs: parts.nowMs,
  });
  registerAppHomeOpened(app, home);
  const unsubscribe = (['request.seen', 'request.resolved'] as const).map((type) =>
    parts.events.on(type, () => home.changed(app.client)),
  );
  const clicks: DecisionClickDeps = {
    gateways,
    storage,
    reasons: new ReasonModals({ storage, log: log.child({ component: 'reasons' }) }),
    audit,
    modals,
    home,
    log: log.child({ component: 'clicks' }),
    syncCards,
    observeAckMs: (ms) => metrics.clickAck.observe(ms / 1000),
  };
  registerPairingDecision(app, clicks);
  registerReasonSubmitted(app, clicks);
  registerExecDecision(app, clicks);
  const commandDeps: CommandDeps = {
    gateways,
    workflow: config.workflow,
    storage,
    audit,
    isMember: parts.isMember,
    access: config.access,
    exec: config.exec,
    policy,
    cardContext,
    log: log.child({ component: 'commands' }),
    nowMs: parts.nowMs,
    newId: () => crypto.randomUUID(),
    syncCards,
  };
  registerApprovalControls(app, commandDeps);
  registerOpenclawCommand(app, commandDeps, (ms) => metrics.commandAck.observe(ms / 1000));
  registerNodesPage(app, commandDeps);
  registerCommandConfirm(app, commandDeps);
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });
  return () => {
    for (const off of unsubscribe) off();
    home.stop();
  };
}
