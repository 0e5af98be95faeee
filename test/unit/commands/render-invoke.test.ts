import { describe, expect, it } from 'vitest';
import { CODE_MAX, renderInvokeResult } from '../../../src/commands/render/render-invoke.js';
import type { NodeInvokeResult } from '../../../src/gateway/schemas.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

const node = { nodeId: '9c8b12ab', displayName: 'build box' };

function render(payload: unknown, extra: Partial<NodeInvokeResult> = {}) {
  return renderInvokeResult({
    node,
    command: 'system.run',
    result: { ok: true, payload, ...extra },
    durationMs: 1_234,
  });
}

const run = (fields: Record<string, unknown>) => ({
  exitCode: 0,
  timedOut: false,
  success: true,
  stdout: '',
  stderr: '',
  ...fields,
});

describe('renderInvokeResult', () => {
  it('shows a system.run result as exit code, stdout and stderr', () => {
    const message = render(run({ exitCode: 2, success: false, stdout: 'hello\n', stderr: 'oops' }));
    expectSafeMessage(message);
    expect(message.truncated).toBe(false);
    expect(message.text).toBe('`system.run` on build box: :x: exit code 2 · 1.2 s');
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*stdout*\\n```\\nhello\\n\\n```');
    expect(all).toContain('*stderr*\\n```\\noops\\n```');
  });

  it('marks success, timeouts and empty output', () => {
    expect(render(run({ stdout: 'ok' })).text).toContain(':white_check_mark: exit code 0');
    expect(render(run({ timedOut: true, exitCode: null })).text).toContain(':hourglass: timed out (exit code none)');
    const empty = render(run({}));
    expect(JSON.stringify(empty.blocks)).toContain('*stdout*\\n_(empty)_');
    expect(JSON.stringify(empty.blocks)).not.toContain('*stderr*');
    expect(JSON.stringify(render(run({ error: 'spawn ENOENT' })).blocks)).toContain('*error:* spawn ENOENT');
  });

  it('shows other payloads as pretty JSON', () => {
    const message = renderInvokeResult({
      node: { nodeId: '9c8b12ab' },
      command: 'system.which',
      result: { ok: true, payload: { bins: { ls: '/usr/bin/ls' } } },
      durationMs: 80,
    });
    expectSafeMessage(message);
    expect(message.text).toBe('`system.which` on 9c8b12ab: :white_check_mark: ok · 80 ms');
    expect(JSON.stringify(message.blocks)).toContain(
      '```\\n{\\n  \\"bins\\": {\\n    \\"ls\\": \\"/usr/bin/ls\\"\\n  }\\n}\\n```',
    );
  });

  it('handles a missing payload, payloadJSON only, and ok:false', () => {
    expect(JSON.stringify(render(undefined).blocks)).toContain('(no payload)');
    expect(JSON.stringify(render(undefined, { payloadJSON: '{"a":1}' }).blocks)).toContain('{\\"a\\":1}');
    expect(render({ a: 1 }, { ok: false }).text).toContain(':x: the node reported a failure');
  });

  it('neutralises ``` and mentions inside output', () => {
    const message = render(run({ stdout: '```\n<!channel> <@U1> <https://evil.example|x>\n```', stderr: '``` @here' }));
    expectSafeMessage(message);
    const all = JSON.stringify(message.blocks);
    expect(all).not.toContain('````');
    expect(all.match(/```/g)?.length).toBe(4);
  });

  it('cuts output that does not fit and returns the full text for a file', () => {
    const stdout = `${'line of output\n'.repeat(1_000)}the end`;
    const message = render(run({ stdout, stderr: 'e'.repeat(10_000) }));
    expectSafeMessage(message);
    expect(message.truncated).toBe(true);
    if (!message.truncated) throw new Error('expected truncation');
    expect(message.fullText).toContain(stdout);
    expect(message.fullText).toContain('e'.repeat(10_000));
    expect(message.fullText).toMatch(/^exit code: 0\n/);
    expect(JSON.stringify(message.blocks)).toContain('Output truncated');
  });

  it('cuts a huge JSON payload', () => {
    const payload = { items: Array.from({ length: 5_000 }, (_, i) => ({ i, name: `<!here> ${i}` })) };
    const message = render(payload);
    expectSafeMessage(message);
    expect(message.truncated && JSON.parse(message.fullText)).toEqual(payload);
  });

  it('shows output exactly at the limit without cutting', () => {
    const message = render(run({ stdout: 'x'.repeat(CODE_MAX) }));
    expectSafeMessage(message);
    expect(message.truncated).toBe(false);
  });

  it('stays valid and inert for hostile output, names and command names', () => {
    for (const text of HOSTILE) {
      const message = renderInvokeResult({
        node: { nodeId: text, displayName: text },
        command: text,
        result: { ok: true, payload: run({ stdout: text, stderr: text, error: text, exitCode: text }) },
        durationMs: Number.NaN,
      });
      expectSafeMessage(message);
      expectSafeMessage(render({ [text.slice(0, 100)]: text }));
      expectSafeMessage(render(text));
    }
  });

  it('renders 10 MB of output quickly', () => {
    const started = performance.now();
    const message = render(run({ stdout: 'x'.repeat(10_000_000) }));
    expect(message.truncated).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
