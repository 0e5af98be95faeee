/** Error answers: a generic one, and one per typed gateway error from `node.invoke` saying what to do. */
import { AppError, GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../../errors.js';
import { context, FALLBACK_MAX, type RenderedMessage, section } from '../../slack/blocks/block-kit.js';
import { escapeMrkdwn, truncate } from '../../slack/escape.js';

/** What went wrong and, optionally, what to do about it (plain text: escaped when rendered). */
export interface ErrorDescription {
  readonly message: string;
  readonly hint?: string | undefined;
}

const MESSAGE_MAX = 2_500;
const HINT_MAX = 1_000;

/** Renders an error: ⚠️ and the escaped message, then the escaped hint as context. */
export function renderError(message: string, hint?: string): RenderedMessage {
  const body = truncate(escapeMrkdwn(message), MESSAGE_MAX);
  const help = hint === undefined || hint.trim() === '' ? undefined : truncate(escapeMrkdwn(hint), HINT_MAX);
  const blocks = [section('error.message', `:warning: ${body}`), ...(help ? [context('error.hint', [help])] : [])];
  return { text: truncate(help ? `${body} ${help}` : body, FALLBACK_MAX), blocks };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** Context that sharpens a message: the invoke timeout the user asked for and the command name. */
export interface InvokeErrorContext {
  readonly timeoutMs?: number | undefined;
  readonly command?: string | undefined;
}

function timeoutAnswer(ms: number | undefined): ErrorDescription {
  const within = ms === undefined ? 'in time' : `in ${seconds(ms)}`;
  return {
    message: `The node did not answer ${within}.`,
    hint: 'Give it longer with --timeout (up to 10m), or check the node with /openclaw describe <node>.',
  };
}

function describeNodeError(nodeError: Record<string, unknown>, ctx: InvokeErrorContext): ErrorDescription {
  const code = text(nodeError.code) ?? 'ERROR';
  if (code === 'TIMEOUT') return timeoutAnswer(ctx.timeoutMs);
  const message = text(nodeError.message) ?? 'no message';
  return {
    message: `The node's handler failed: ${code}: ${message}`,
    hint: 'This comes from the node itself: check the params against what the command expects.',
  };
}

type Rule = (err: GatewayRequestError, ctx: InvokeErrorContext) => ErrorDescription | undefined;

const NOT_ALLOWLISTED = /not in the allowlist|explicit gateway\.nodes\.commands\.allow/;

/** Checked in order; the first rule that answers wins. `details.code` and `details.nodeError` beat top-level codes. */
const REQUEST_RULES: readonly Rule[] = [
  (err) =>
    err.detailCode === 'PAIRING_CHANGED'
      ? {
          message: 'Unknown or unapproved node: the gateway has no approved node by that id.',
          hint: 'Check the node with /openclaw nodes. A node waiting for approval is listed by /openclaw pending.',
        }
      : undefined,
  (err) =>
    err.detailCode === 'NOT_CONNECTED'
      ? {
          message: 'The node is offline: it is approved but not connected to the gateway.',
          hint: 'Start the node host or check its network; /openclaw nodes offline lists the offline nodes.',
        }
      : undefined,
  (err, ctx) => {
    const nodeError = record(err.details?.nodeError);
    return nodeError ? describeNodeError(nodeError, ctx) : undefined;
  },
  (err, ctx) =>
    err.gatewayCode === 'TIMEOUT' || err.detailCode === 'TIMEOUT' || / TIMEOUT: /.test(err.message)
      ? timeoutAnswer(ctx.timeoutMs)
      : undefined,
  (err) => {
    if (err.gatewayCode !== 'MISSING_SCOPE' && err.detailCode !== 'MISSING_SCOPE' && !err.missingScope)
      return undefined;
    const scope = err.missingScope ?? (err.requiredScopes.join(', ') || 'required');
    return {
      message: `The bot's gateway session lacks the ${scope} scope.`,
      hint: 'An admin can add it to OPENCLAW_GATEWAY_SCOPES and approve the bot device’s scope upgrade on the gateway.',
    };
  },
  (err, ctx) =>
    err.details?.reason === 'command not declared by node'
      ? {
          message: `The node does not declare ${ctx.command ?? 'this command'}.`,
          hint: '/openclaw describe <node> lists the commands it declares.',
        }
      : undefined,
  (err, ctx) =>
    err.details?.reason === 'command not allowlisted' || NOT_ALLOWLISTED.test(err.message)
      ? {
          message: `${ctx.command ?? 'This command'} is not in the gateway's allowlist for this node's platform.`,
          hint: 'A gateway admin can allow it with gateway.nodes.commands.allow.',
        }
      : undefined,
];

function describeRequestError(err: GatewayRequestError, ctx: InvokeErrorContext): ErrorDescription {
  for (const rule of REQUEST_RULES) {
    const answer = rule(err, ctx);
    if (answer) return answer;
  }
  return { message: `The gateway refused: ${err.message}` };
}

/** Maps an error thrown by `node.invoke` to what happened and what to do; never suggests retrying an unknown node. */
export function describeInvokeError(err: unknown, ctx: InvokeErrorContext = {}): ErrorDescription {
  if (err instanceof GatewayRequestError) return describeRequestError(err, ctx);
  if (err instanceof GatewayTimeoutError) {
    if (!err.sent)
      return { message: 'The gateway is unreachable (the bot is reconnecting).', hint: 'Try again shortly.' };
    return timeoutAnswer(ctx.timeoutMs ?? err.timeoutMs);
  }
  if (err instanceof GatewayClosedError) {
    return {
      message: 'The gateway is unreachable (the bot is reconnecting).',
      hint: 'Try again in a minute; /openclaw presence shows the bot’s gateway session.',
    };
  }
  const code = err instanceof AppError ? ` (${err.code})` : '';
  return { message: `Something went wrong${code}; the bot logged the details.` };
}

/** Renders {@link describeInvokeError} as an error message. */
export function renderInvokeError(err: unknown, ctx: InvokeErrorContext = {}): RenderedMessage {
  const { message, hint } = describeInvokeError(err, ctx);
  return renderError(message, hint);
}
