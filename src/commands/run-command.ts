import { AUDIT_UNAVAILABLE_MESSAGE } from '../audit/audit-log.js';
import { AppError, ErrorCode, GatewayClosedError, StorageUnavailableError } from '../errors.js';
import { describeGatewayError, STORAGE_UNAVAILABLE_MESSAGE } from '../slack/decision-notes.js';
import { auditRefusal } from './audited.js';
import { type Answer, type CommandDeps, checkAccess, resolveTiers } from './command-context.js';
import type { CommandHandler } from './handlers/handler.js';
import { HANDLERS } from './handlers/index.js';
import { parseCommand } from './parse/parse-command.js';
import { renderGatewayDown } from './render/gateway-down.js';
import { renderError } from './render/render-error.js';

/** Runs one `/openclaw` text for `userId`: parse, check access (refusals audited), then the subcommand's handler. Never throws. */
export async function runCommand(deps: CommandDeps, text: string, userId: string): Promise<Answer> {
  const parsed = parseCommand(text);
  if (!parsed.ok) return renderError(parsed.error, 'Try `/openclaw help`.');
  const { command } = parsed;
  const tiers = await resolveTiers(deps, userId);
  const decision = checkAccess(deps, command, tiers);
  if (!decision.allowed) {
    // The gateway asked for, or the only one there is (with several and none named, the refusal names none).
    const gateway = parsed.gateway ?? (deps.gateways.multiple ? undefined : deps.gateways.ids()[0]);
    await auditRefusal(deps, userId, command, decision.message, gateway);
    return renderError(`Not allowed: ${decision.message}`);
  }
  const handler = HANDLERS[command.kind] as CommandHandler;
  try {
    const answer = await handler({
      deps,
      command,
      userId,
      tiers,
      confirm: decision.confirm,
      gatewayId: parsed.gateway,
    });
    return { ...answer, share: parsed.share };
  } catch (err) {
    return describeFailure(deps, err);
  }
}

/** The answer for a command that threw: the audit could not be written, the gateway is down, or it refused. */
export function describeFailure(deps: CommandDeps, err: unknown): Answer {
  if (err instanceof AppError && err.code === ErrorCode.AUDIT_UNAVAILABLE)
    return renderError(AUDIT_UNAVAILABLE_MESSAGE);
  if (err instanceof StorageUnavailableError) {
    deps.log.warn({ err }, 'a slash command found the database unreachable');
    return renderError(STORAGE_UNAVAILABLE_MESSAGE);
  }
  if (err instanceof GatewayClosedError) {
    const down = deps.gateways.all().find((g) => !g.client.isConnected);
    if (down) return renderGatewayDown(down.client.getStatus(), deps.gateways.label(down.id));
    return renderError(`The gateway session closed while answering (${err.message}); try again.`);
  }
  deps.log.warn({ err }, 'slash command failed');
  // invoke handles its own errors (with the node's wording); everything else is a refused or failed gateway call.
  return renderError(describeGatewayError(err));
}
