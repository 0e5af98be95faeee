import { describe, expect, it } from 'vitest';
import {
  type Command,
  MAX_TEXT_CHARS,
  type ParseResult,
  parseCommand,
} from '../../../src/commands/parse/parse-command.js';

function command(text: string): Command {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error}`);
  return result.command;
}

function error(text: string): string {
  const result: ParseResult = parseCommand(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.command)}`);
  return result.error;
}

describe('parseCommand: subcommands', () => {
  it('treats empty and blank text as help', () => {
    expect(command('')).toEqual({ kind: 'help', topic: undefined });
    expect(command('   \n ')).toEqual({ kind: 'help', topic: undefined });
    expect(command('help')).toEqual({ kind: 'help', topic: undefined });
    expect(command('HELP invoke')).toEqual({ kind: 'help', topic: 'invoke' });
    expect(command('help status')).toEqual({ kind: 'help', topic: 'presence' });
  });

  it('parses presence and its status alias, case-insensitively', () => {
    expect(command('presence')).toEqual({ kind: 'presence' });
    expect(command('Status')).toEqual({ kind: 'presence' });
    expect(error('presence now')).toMatch(/presence takes no arguments \(got "now"\)/);
  });

  it('parses nodes with no filter, a state keyword, or free text', () => {
    expect(command('nodes')).toEqual({ kind: 'nodes', filter: '' });
    expect(command('nodes ONLINE')).toEqual({ kind: 'nodes', filter: 'online' });
    expect(command('nodes offline')).toEqual({ kind: 'nodes', filter: 'offline' });
    expect(command('nodes pending')).toEqual({ kind: 'nodes', filter: 'pending' });
    expect(command('nodes Build Box')).toEqual({ kind: 'nodes', filter: 'Build Box' });
    expect(command('nodes "my  box"')).toEqual({ kind: 'nodes', filter: 'my  box' });
  });

  it('parses describe and remove with plain, quoted and multi-word node references', () => {
    expect(command('describe 9c8b12ab')).toEqual({ kind: 'describe', node: '9c8b12ab' });
    expect(command('describe "my node"')).toEqual({ kind: 'describe', node: 'my node' });
    expect(command('describe “my node”')).toEqual({ kind: 'describe', node: 'my node' });
    expect(command("describe 'my node'")).toEqual({ kind: 'describe', node: 'my node' });
    expect(command('describe my node')).toEqual({ kind: 'describe', node: 'my node' });
    expect(command('remove old-laptop')).toEqual({ kind: 'remove', node: 'old-laptop' });
    expect(error('describe')).toMatch(/describe needs a node id, name or IP\. Usage: \/openclaw describe <node>/);
    expect(error('remove ""')).toMatch(/node reference is empty/);
  });

  it('parses rename with a multi-word new name', () => {
    expect(command('rename 9c8b12 build box 2')).toEqual({ kind: 'rename', node: '9c8b12', name: 'build box 2' });
    expect(command('rename "old name" "new name"')).toEqual({ kind: 'rename', node: 'old name', name: 'new name' });
    expect(error('rename 9c8b12')).toMatch(/rename needs the new name/);
    expect(error('rename')).toMatch(/rename needs a node/);
    expect(error(`rename n ${'y'.repeat(101)}`)).toMatch(/new name is 101 characters long; the limit is 100/);
  });

  it('parses pending, approve and reject', () => {
    expect(command('pending')).toEqual({ kind: 'pending' });
    expect(command('approve f171d9a9-0b1c')).toEqual({ kind: 'approve', requestId: 'f171d9a9-0b1c' });
    expect(command('reject f171d9a9')).toEqual({ kind: 'reject', requestId: 'f171d9a9' });
    expect(error('approve')).toMatch(/approve needs one request id; \/openclaw pending lists them/);
    expect(error('reject a b')).toMatch(/got "a b"/);
    expect(error('approve ../../etc')).toMatch(/approve needs one request id/);
  });

  it('answers the removed pair-request and pair-verify seed commands', () => {
    expect(command('pair-request')).toEqual({ kind: 'removed', name: 'pair-request' });
    expect(command('pair-verify abc')).toEqual({ kind: 'removed', name: 'pair-verify' });
  });

  it('suggests the nearest subcommand for a typo', () => {
    expect(error('nodz')).toBe('unknown subcommand "nodz". Did you mean "nodes"? Run /openclaw help for the list.');
    expect(error('aprove x')).toMatch(/Did you mean "approve"\?/);
    expect(error('help invok')).toMatch(/Did you mean "invoke"\?/);
    expect(error('frobnicate')).toBe('unknown subcommand "frobnicate". Run /openclaw help for the list.');
  });
});

describe('parseCommand: flags', () => {
  it('takes --share anywhere and nowhere else', () => {
    expect(parseCommand('--share nodes')).toMatchObject({ ok: true, share: true });
    expect(parseCommand('nodes --share online')).toEqual({
      ok: true,
      share: true,
      command: { kind: 'nodes', filter: 'online' },
    });
    expect(parseCommand('nodes')).toMatchObject({ ok: true, share: false });
    expect(parseCommand('describe "--share"')).toEqual({
      ok: true,
      share: false,
      command: { kind: 'describe', node: '--share' },
    });
  });

  it('refuses unknown options and --timeout outside invoke', () => {
    expect(error('nodes --all')).toMatch(/unknown option "--all": use --share .* or --timeout 30s/);
    expect(error('nodes --timeout 5s')).toBe('--timeout only applies to invoke');
  });
});

describe('parseCommand: invoke', () => {
  it('parses node, command, JSON params and --timeout in any order', () => {
    expect(command('invoke box system.which {"bins":["ls"]} --timeout 30s')).toEqual({
      kind: 'invoke',
      node: 'box',
      command: 'system.which',
      params: { bins: ['ls'] },
      timeoutMs: 30_000,
    });
    expect(command('invoke --timeout=2m "build box" system.which {"bins": ["git", "ls"]}')).toMatchObject({
      node: 'build box',
      params: { bins: ['git', 'ls'] },
      timeoutMs: 120_000,
    });
    expect(command('invoke box ollama.models')).toEqual({
      kind: 'invoke',
      node: 'box',
      command: 'ollama.models',
      params: undefined,
      timeoutMs: undefined,
    });
  });

  it('leaves flag-like words inside the JSON alone', () => {
    const result = parseCommand('invoke box system.run {"command":["echo","--share --timeout 1s"]} --share');
    expect(result).toMatchObject({
      ok: true,
      share: true,
      command: { params: { command: ['echo', '--share --timeout 1s'] } },
    });
  });

  it('accepts JSON spread over lines and with quotes that are not words', () => {
    expect(command('invoke box x {\n  "a": "it\'s",\n  "b": [1, 2.5e3, true, null]\n}')).toMatchObject({
      params: { a: "it's", b: [1, 2500, true, null] },
    });
  });

  it('reports where the JSON is broken', () => {
    expect(error('invoke box x {"a":1 "b":2}')).toBe("bad JSON at position 7 (line 1, column 8): expected ',' or '}'");
    expect(error('invoke box x {"a":')).toBe('bad JSON at the end (line 1, column 6): expected a value');
    expect(error('invoke box x {\n"a":1,\n}')).toBe(
      'bad JSON at position 9 (line 3, column 1): expected a "quoted" property name',
    );
    expect(error('invoke box x {a:1}')).toMatch(/position 1 .*expected a "quoted" property name/);
  });

  it('requires params to be one JSON object followed only by flags', () => {
    expect(error('invoke box x [1,2]')).toMatch(
      /params must be one JSON object such as \{"bins":\["ls"\]\} \(got "\[1,2\]"\)/,
    );
    expect(error('invoke box x 42')).toMatch(/params must be one JSON object/);
    expect(error('invoke box x {"a":1} {"b":2}')).toMatch(/unexpected "\{"b":2\}" after the JSON params/);
    expect(error('invoke box x {"a":1} extra')).toMatch(/unexpected "extra"/);
  });

  it('explains missing pieces and bad command names', () => {
    expect(error('invoke')).toMatch(/invoke needs a node and a command\. Usage: \/openclaw invoke <node> <command>/);
    expect(error('invoke box')).toMatch(/invoke needs a node and a command/);
    expect(error('invoke box "rm -rf"')).toMatch(/"rm -rf" is not a command name such as system.which/);
  });

  it('bounds and validates --timeout', () => {
    expect(command('invoke b c --timeout 500ms')).toMatchObject({ timeoutMs: 500 });
    expect(error('invoke b c --timeout 20m')).toMatch(/between 500ms and 10m/);
    expect(error('invoke b c --timeout 0s')).toMatch(/between 500ms and 10m/);
    expect(error('invoke b c --timeout 499ms')).toMatch(/between 500ms and 10m/);
    expect(command('invoke b c --timeout 10m')).toMatchObject({ timeoutMs: 600_000 });
    expect(error('invoke b c --timeout soon')).toMatch(/500ms, 30s or 2m/);
    expect(error('invoke b c --timeout')).toMatch(/500ms, 30s or 2m/);
  });

  it('accepts Slack smart quotes in JSON when straight quotes would parse', () => {
    expect(command('invoke b c {“bins”: [“ls”]}')).toMatchObject({ params: { bins: ['ls'] } });
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const parsed = command('invoke b c {"__proto__":{"polluted":true}}');
    expect(parsed.kind === 'invoke' && Object.hasOwn(parsed.params ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseCommand: Slack escapes and hostile input', () => {
  it('decodes entities in argument values such as JSON params', () => {
    expect(command('invoke b c {"html":"&lt;b&gt; &amp;amp; x"}')).toMatchObject({ params: { html: '<b> &amp; x' } });
  });

  it('turns should_escape tokens back into what the user typed', () => {
    expect(command('describe <@U0123|alice>')).toEqual({ kind: 'describe', node: '@alice' });
    expect(command('nodes <#C0123|ops>')).toEqual({ kind: 'nodes', filter: '#ops' });
    expect(command('invoke b c {"url":"<https://example.com/a|example.com/a>"}')).toMatchObject({
      params: { url: 'example.com/a' },
    });
    expect(command('invoke b c {"url":"<https://example.com/a>"}')).toMatchObject({
      params: { url: 'https://example.com/a' },
    });
  });

  it('never echoes a raw <…> token in an error', () => {
    for (const text of [
      '<!channel> <https://evil.example|ok>',
      '&lt;!here&gt;',
      'nodes --<@U1>',
      'approve <!everyone>',
    ]) {
      expect(error(text)).not.toMatch(/<[@#!h]|evil/);
    }
    expect(error('<!channel>')).toMatch(/unknown subcommand "@channel"/);
  });

  it('refuses 100 kB of text quickly', () => {
    const started = performance.now();
    expect(error('x'.repeat(100_000))).toMatch(`the limit is ${MAX_TEXT_CHARS}`);
    expect(error(`invoke b c {"a":"${'y'.repeat(100_000)}"}`)).toMatch(/characters long/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('parses JSON up to the text limit', () => {
    const big = `invoke b c {"a":"${'y'.repeat(MAX_TEXT_CHARS - 30)}"}`;
    expect(command(big)).toMatchObject({ kind: 'invoke' });
  });

  it('refuses deeply nested JSON without overflowing the stack', () => {
    const depth = 1_500;
    expect(error(`invoke b c ${'{"a":'.repeat(depth / 3)}1${'}'.repeat(depth / 3)}`)).toMatch(
      /nested too deeply .*at most 20 levels/,
    );
    expect(error(`invoke b c {"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toMatch(/nested too deeply/);
    expect(command(`invoke b c ${'{"a":'.repeat(20)}1${'}'.repeat(20)}`)).toMatchObject({ kind: 'invoke' });
  });

  it('refuses control characters in names and clamps echoed input', () => {
    expect(error('rename n bad\u0007name')).toMatch(/control characters/);
    expect(error('describe "a\nb"')).toMatch(/control characters/);
    const echoed = error(`frob${'z'.repeat(500)}`);
    expect(echoed.length).toBeLessThan(120);
  });

  it('handles unicode names and an unterminated quote', () => {
    expect(command('describe "Büro 😀 Rechner"')).toEqual({ kind: 'describe', node: 'Büro 😀 Rechner' });
    expect(error('describe "my node')).toMatch(/quote opened at position 9 is never closed/);
  });
});
