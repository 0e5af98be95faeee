import { describe, expect, it } from 'vitest';
import { BUILTIN_ORDINARY_COMMANDS, CommandPolicy } from '../../../src/policy/command-policy.js';
import { makeDeviceRequest, makeRequest } from '../slack/pairing-fixtures.js';

const policy = new CommandPolicy({ ordinary: [], allowSystemRun: false });

describe('CommandPolicy', () => {
  it('calls only the short built-in list ordinary; every other name, known or not, is sensitive', () => {
    expect(BUILTIN_ORDINARY_COMMANDS).toEqual(['ollama.models', 'device.info', 'device.status']);
    for (const c of BUILTIN_ORDINARY_COMMANDS) expect(policy.riskOf(c)).toBe('ordinary');
    for (const c of ['desktop.stream', 'file.fetch', 'file.stat', 'dir.list', 'screen.record', 'camera.snap']) {
      expect([c, policy.riskOf(c)]).toEqual([c, 'sensitive']);
    }
    for (const c of ['sms.send', 'location.get', 'system.which', 'fs.listDir', 'ollama.chat', 'x', 'OLLAMA.MODELS.X']) {
      expect([c, policy.riskOf(c)]).toEqual([c, 'sensitive']);
    }
  });

  it('names the commands that run code or drive input, and keeps them out of the ordinary globs', () => {
    const wide = new CommandPolicy({ ordinary: ['*'], allowSystemRun: true });
    for (const c of [
      'system.run',
      'system.run.prepare',
      'computer.act',
      'terminal.upload',
      'browser.proxy',
      'browser.proxy.upload.v1',
      'mcp.tools.call.v1',
      'agent.cli.claude.run.v1',
      'anthropic.claude.terminal.start.v1',
      'mobile.ui.act',
    ]) {
      expect([c, wide.riskOf(c)]).toEqual([c, 'exec']);
    }
    expect(wide.riskOf('desktop.stream')).toBe('ordinary');
  });

  it('makes a node request admin-sensitive when any command is not ordinary, or the gateway wants operator.admin', () => {
    expect(policy.isAdminSensitive(makeRequest({ commands: ['ollama.models'] }))).toBe(false);
    expect(policy.isAdminSensitive(makeRequest({ commands: ['ollama.models', 'brand.new'] }))).toBe(true);
    expect(policy.isAdminSensitive(makeRequest({ commands: [], requiredApproveScopes: ['operator.admin'] }))).toBe(
      true,
    );
    expect(policy.sensitiveCommands(makeRequest({ commands: ['ollama.models', 'a.b', 'system.run'] }))).toEqual([
      'a.b',
      'system.run',
    ]);
  });

  it('keeps device requests beyond operator.read (or for the node role) admin-sensitive', () => {
    expect(policy.isAdminSensitive(makeDeviceRequest({ scopes: ['operator.read'] }))).toBe(false);
    expect(policy.isAdminSensitive(makeDeviceRequest({ scopes: ['operator.read', 'operator.write'] }))).toBe(true);
    expect(policy.isAdminSensitive(makeDeviceRequest({ scopes: ['operator.read'], roles: ['node'] }))).toBe(true);
  });
});
