import { describe, expect, it } from 'vitest';
import { describeInvokeError, renderError, renderInvokeError } from '../../../src/commands/render/render-error.js';
import { AppError, GatewayClosedError, GatewayRequestError, GatewayTimeoutError } from '../../../src/errors.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

const rejected = (code: string, message: string, details?: Record<string, unknown>) =>
  new GatewayRequestError('node.invoke', { code, message, details });

describe('renderError', () => {
  it('shows the message and the hint, escaped', () => {
    const message = renderError('Node <b> & co not found', 'Try /openclaw nodes');
    expectSafeMessage(message);
    expect(message.text).toBe('Node &lt;b&gt; &amp; co not found Try /openclaw nodes');
    expect(message.blocks).toHaveLength(2);
  });

  it('leaves out an empty hint', () => {
    expect(renderError('x', ' ').blocks).toHaveLength(1);
  });

  it('stays valid and inert for hostile input', () => {
    for (const text of HOSTILE) expectSafeMessage(renderError(text, text));
  });
});

describe('describeInvokeError', () => {
  it('maps PAIRING_CHANGED to an unknown or unapproved node, never suggesting a retry', () => {
    const err = rejected('UNAVAILABLE', 'node pairing changed while invocation was active', {
      code: 'PAIRING_CHANGED',
    });
    const { message, hint } = describeInvokeError(err);
    expect(message).toMatch(/unknown or unapproved node/i);
    expect(`${message} ${hint}`).not.toMatch(/retry|try again/i);
    expect(hint).toMatch(/\/openclaw pending/);
  });

  it('maps NOT_CONNECTED to an offline node, even though it also carries a nodeError', () => {
    const err = rejected('UNAVAILABLE', 'node not connected', { code: 'NOT_CONNECTED', nodeError: { code: 'X' } });
    expect(describeInvokeError(err).message).toMatch(/offline/);
  });

  it("shows the node handler's own error code and message", () => {
    const err = rejected('UNAVAILABLE', 'INVALID_REQUEST: bins must be an array', {
      nodeError: { code: 'INVALID_REQUEST', message: 'bins must be an array' },
      nodeCommandDispatched: true,
    });
    expect(describeInvokeError(err).message).toBe("The node's handler failed: INVALID_REQUEST: bins must be an array");
  });

  it('maps node timeouts and local deadlines to "did not answer in N s"', () => {
    const nodeTimeout = rejected('UNAVAILABLE', 'TIMEOUT: node invoke timed out', { nodeError: { code: 'TIMEOUT' } });
    expect(describeInvokeError(nodeTimeout, { timeoutMs: 30_000 }).message).toBe('The node did not answer in 30 s.');
    expect(describeInvokeError(nodeTimeout).message).toBe('The node did not answer in time.');
    const local = new GatewayTimeoutError('node.invoke', 35_000, true);
    expect(describeInvokeError(local).message).toBe('The node did not answer in 35 s.');
    expect(describeInvokeError(local, { timeoutMs: 30_000 }).message).toBe('The node did not answer in 30 s.');
    expect(describeInvokeError(rejected('TIMEOUT', 'x')).message).toMatch(/did not answer/);
  });

  it('names the scope the bot session lacks', () => {
    const err = rejected('FORBIDDEN', 'missing scope', { code: 'MISSING_SCOPE', missingScope: 'operator.admin' });
    const { message, hint } = describeInvokeError(err);
    expect(message).toBe("The bot's gateway session lacks the operator.admin scope.");
    expect(hint).toMatch(/OPENCLAW_GATEWAY_SCOPES/);
  });

  it('says when the node does not declare the command or the gateway does not allowlist it', () => {
    const undeclared = rejected('INVALID_REQUEST', 'node command not allowed', {
      reason: 'command not declared by node',
      command: 'system.notify',
    });
    expect(describeInvokeError(undeclared, { command: 'system.notify' }).message).toBe(
      'The node does not declare system.notify.',
    );
    const notListed = rejected(
      'INVALID_REQUEST',
      'node command not allowed: "x" is not in the allowlist for platform "linux"',
    );
    expect(describeInvokeError(notListed, { command: 'x' }).message).toMatch(/x is not in the gateway's allowlist/);
    const optIn = rejected('INVALID_REQUEST', 'camera.snap requires explicit gateway.nodes.commands.allow opt-in');
    expect(describeInvokeError(optIn).message).toMatch(/not in the gateway's allowlist/);
  });

  it('maps a closed connection and an unsent request to "gateway unreachable (reconnecting)"', () => {
    expect(describeInvokeError(new GatewayClosedError('node.invoke', 'closed')).message).toMatch(
      /gateway is unreachable \(the bot is reconnecting\)/,
    );
    expect(describeInvokeError(new GatewayTimeoutError('node.invoke', 5_000, false)).message).toMatch(/unreachable/);
  });

  it('falls back to the gateway message, and hides unknown errors behind their code', () => {
    expect(describeInvokeError(rejected('INVALID_REQUEST', 'weird')).message).toBe(
      'The gateway refused: node.invoke: INVALID_REQUEST: weird',
    );
    expect(describeInvokeError(new AppError('STATE_IO', 'disk /secret/path full')).message).toBe(
      'Something went wrong (STATE_IO); the bot logged the details.',
    );
    expect(describeInvokeError(new Error('token=abc')).message).not.toContain('token');
  });
});

describe('renderInvokeError', () => {
  it('renders gateway text escaped', () => {
    const message = renderInvokeError(
      rejected('UNAVAILABLE', 'x', { nodeError: { code: '<!channel>', message: '<https://evil.example|hi> @here' } }),
    );
    expectSafeMessage(message);
  });
});
