import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../../src/commands/parse/command-catalog.js';
import { renderHelp, renderRemovedCommand } from '../../../src/commands/render/render-help.js';
import { expectSafeMessage, HOSTILE } from './message-checks.js';

describe('renderHelp', () => {
  it('lists every allowed command with usage and example', () => {
    const message = renderHelp(COMMAND_SPECS);
    expectSafeMessage(message);
    const all = JSON.stringify(message.blocks);
    for (const spec of COMMAND_SPECS) expect(all).toContain(spec.command);
    expect(all).toContain('/openclaw invoke &lt;node&gt; &lt;command&gt;');
    expect(message.text).toMatch(/^OpenClaw commands: help, presence, nodes/);
  });

  it('lists only what it is given', () => {
    const message = renderHelp(COMMAND_SPECS.filter((s) => s.command === 'nodes'));
    expect(message.text).toBe('OpenClaw commands: nodes');
    expect(JSON.stringify(message.blocks)).not.toContain('invoke');
  });

  it('says so when nothing is allowed', () => {
    const message = renderHelp([]);
    expectSafeMessage(message);
    expect(JSON.stringify(message.blocks)).toContain('Ask an admin for access');
  });

  it('stays valid for hostile and oversized entries', () => {
    const entries = Array.from({ length: 100 }, (_, i) => {
      const text = HOSTILE[i % HOSTILE.length] ?? '';
      return { command: text, usage: text, example: text };
    });
    expectSafeMessage(renderHelp(entries));
  });
});

describe('renderRemovedCommand', () => {
  it('explains that nodes ask for pairing by connecting and points to pending', () => {
    const message = renderRemovedCommand('pair-request');
    expectSafeMessage(message);
    expect(message.text).toMatch(/a node asks for pairing by connecting/);
    expect(message.text).toMatch(/\/openclaw pending/);
  });
});
