import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/commands/parse/parse-command.js';
import { type AccessContext, decideAccess, type Tier } from '../../../src/commands/policy/access.js';
import { CommandPolicy } from '../../../src/policy/command-policy.js';
import { matchesPattern } from '../../../src/policy/glob.js';

const invoke = (command: string): Command => ({
  kind: 'invoke',
  node: 'n',
  command,
  params: undefined,
  timeoutMs: undefined,
});

const policy = (allowSystemRun = false, ordinary: string[] = []) => new CommandPolicy({ allowSystemRun, ordinary });

function ctx(callerTiers: Tier[], extra: Partial<AccessContext> = {}): AccessContext {
  return { callerTiers, policy: policy(), invokeAllow: [], invokeDeny: [], ...extra };
}

const COMMANDS: Record<string, Command> = {
  help: { kind: 'help', topic: undefined },
  presence: { kind: 'presence' },
  nodes: { kind: 'nodes', filter: '' },
  describe: { kind: 'describe', node: 'n' },
  pending: { kind: 'pending' },
  removed: { kind: 'removed', name: 'pair-request' },
  approve: { kind: 'approve', requestId: 'r' },
  reject: { kind: 'reject', requestId: 'r' },
  rename: { kind: 'rename', node: 'n', name: 'x' },
  remove: { kind: 'remove', node: 'n' },
  'invoke ordinary': invoke('ollama.models'),
  'invoke sensitive': invoke('system.which'),
  'invoke browser': invoke('browser.proxy'),
  'invoke desktop.stream': invoke('desktop.stream'),
  'invoke file.fetch': invoke('file.fetch'),
  'invoke camera.snap': invoke('camera.snap'),
  'invoke sms.send': invoke('sms.send'),
  'invoke location.get': invoke('location.get'),
  'invoke a name never heard of': invoke('brand.new.thing'),
  'invoke computer.act': invoke('computer.act'),
  'invoke mcp.tools.call.v1': invoke('mcp.tools.call.v1'),
};

/** Who may run what, with system.run off: [everyone, invoker, approver, admin]. */
const MATRIX: Record<string, [boolean, boolean, boolean, boolean]> = {
  help: [true, true, true, true],
  presence: [true, true, true, true],
  nodes: [true, true, true, true],
  describe: [true, true, true, true],
  pending: [true, true, true, true],
  removed: [true, true, true, true],
  approve: [false, false, true, true],
  reject: [false, false, true, true],
  rename: [false, false, true, true],
  remove: [false, false, false, true],
  'invoke ordinary': [false, true, false, true],
  'invoke sensitive': [false, false, false, true],
  'invoke browser': [false, false, false, false],
  'invoke desktop.stream': [false, false, false, true],
  'invoke file.fetch': [false, false, false, true],
  'invoke camera.snap': [false, false, false, true],
  'invoke sms.send': [false, false, false, true],
  'invoke location.get': [false, false, false, true],
  'invoke a name never heard of': [false, false, false, true],
  'invoke computer.act': [false, false, false, false],
  'invoke mcp.tools.call.v1': [false, false, false, false],
};

const TIERS: Tier[][] = [[], ['invoker'], ['approver'], ['admin']];

describe('decideAccess', () => {
  for (const [name, expected] of Object.entries(MATRIX)) {
    it(`applies the policy matrix to ${name}`, () => {
      const command = COMMANDS[name] as Command;
      const got = TIERS.map((tiers) => decideAccess(command, ctx(tiers)).allowed);
      expect(got).toEqual(expected);
    });
  }

  it('names the tier and how an admin grants it when refusing', () => {
    expect(decideAccess(COMMANDS.remove as Command, ctx(['approver']))).toEqual({
      allowed: false,
      tier: 'admin',
      message: 'remove needs an admin. Admins are the Slack user ids and groups listed in OPENCLAW_ADMINS.',
    });
    const approve = decideAccess(COMMANDS.approve as Command, ctx([]));
    expect(approve).toMatchObject({ allowed: false, tier: 'approver' });
    expect(approve.allowed === false && approve.message).toMatch(/OPENCLAW_APPROVERS/);
    const run = decideAccess(invoke('ollama.models'), ctx(['approver']));
    expect(run.allowed === false && run.message).toMatch(/invoke ollama.models needs an invoker .*OPENCLAW_INVOKERS/);
    const sensitive = decideAccess(invoke('fs.listDir'), ctx(['invoker']));
    expect(sensitive).toMatchObject({ allowed: false, tier: 'admin' });
    expect(sensitive.allowed === false && sensitive.message).toMatch(/not on the list of harmless.*OPENCLAW_ADMINS/);
  });

  it('refuses every command that runs code or drives input for everyone unless allowed', () => {
    const exec = ['system.run', 'system.run.prepare', 'computer.act', 'terminal.upload', 'browser.proxy'];
    for (const name of [...exec, 'browser.proxy.upload.v1', 'mcp.tools.call.v1', 'agent.cli.claude.run.v1']) {
      const decision = decideAccess(invoke(name), ctx(['admin']));
      expect(decision).toMatchObject({ allowed: false, tier: 'nobody' });
      expect(decision.allowed === false && decision.message).toMatch(/OPENCLAW_ALLOW_SYSTEM_RUN=true/);
    }
  });

  it('lets only admins run system.run when allowed, with a confirmation step', () => {
    const allowed = { policy: policy(true) };
    expect(decideAccess(invoke('system.run'), ctx(['admin'], allowed))).toEqual({
      allowed: true,
      tier: 'admin',
      confirm: true,
    });
    expect(decideAccess(invoke('system.run'), ctx(['invoker', 'approver'], allowed))).toMatchObject({
      allowed: false,
      tier: 'admin',
    });
    expect(decideAccess(invoke('ollama.models'), ctx(['invoker'], allowed))).toMatchObject({ confirm: false });
  });

  it('asks admins to confirm every command that is not on the harmless list', () => {
    for (const name of ['system.which', 'desktop.stream', 'file.fetch', 'camera.snap', 'unknown.cmd']) {
      expect(decideAccess(invoke(name), ctx(['admin']))).toEqual({ allowed: true, tier: 'admin', confirm: true });
    }
  });

  it('lets OPENCLAW_ORDINARY_COMMANDS make a command ordinary, but never one that runs code', () => {
    const extra = { policy: policy(false, ['camera.list', 'system.*', 'computer.*']) };
    expect(decideAccess(invoke('camera.list'), ctx(['invoker'], extra))).toEqual({
      allowed: true,
      tier: 'invoker',
      confirm: false,
    });
    expect(decideAccess(invoke('system.which'), ctx(['invoker'], extra))).toMatchObject({ allowed: true });
    expect(decideAccess(invoke('system.run'), ctx(['admin'], extra))).toMatchObject({ allowed: false, tier: 'nobody' });
    expect(decideAccess(invoke('computer.act'), ctx(['admin'], extra))).toMatchObject({ allowed: false });
  });

  it('lets the deny list win over the allow list, even for admins', () => {
    const lists = { invokeAllow: ['ollama.*'], invokeDeny: ['ollama.pull'] };
    expect(decideAccess(invoke('ollama.models'), ctx(['invoker'], lists))).toMatchObject({ allowed: true });
    const denied = decideAccess(invoke('ollama.pull'), ctx(['admin'], lists));
    expect(denied).toMatchObject({ allowed: false, tier: 'nobody' });
    expect(denied.allowed === false && denied.message).toMatch(/OPENCLAW_INVOKE_DENY \(pattern "ollama.pull"\)/);
  });

  it('refuses a command outside a non-empty allow list', () => {
    const decision = decideAccess(
      invoke('desktop.stream'),
      ctx(['admin'], { invokeAllow: ['ollama.*', 'system.which'] }),
    );
    expect(decision).toMatchObject({ allowed: false, tier: 'nobody' });
    expect(decision.allowed === false && decision.message).toMatch(/not in OPENCLAW_INVOKE_ALLOW/);
  });

  it('keeps system.run off even when the allow list names it', () => {
    expect(decideAccess(invoke('system.run'), ctx(['admin'], { invokeAllow: ['*'] }))).toMatchObject({
      allowed: false,
    });
  });
});

describe('matchesPattern', () => {
  it('matches whole names with * as any characters, case-insensitively', () => {
    expect(matchesPattern('system.run', 'system.*')).toBe(true);
    expect(matchesPattern('system.run.prepare', 'system.*')).toBe(true);
    expect(matchesPattern('System.Run', 'system.run')).toBe(true);
    expect(matchesPattern('system.run', '*')).toBe(true);
    expect(matchesPattern('mcp.tools.call.v1', 'mcp.*.v1')).toBe(true);
    expect(matchesPattern('system.run', 'system')).toBe(false);
    expect(matchesPattern('systemXrun', 'system.run')).toBe(false);
    expect(matchesPattern('a.b', ' a.b ')).toBe(true);
  });

  it('treats regex characters literally and never matches an empty pattern', () => {
    expect(matchesPattern('a+b', 'a+b')).toBe(true);
    expect(matchesPattern('aab', 'a+b')).toBe(false);
    expect(matchesPattern('x', '')).toBe(false);
    expect(matchesPattern('(x)', '(x)')).toBe(true);
  });
});
