import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import type { ConfigError } from '../../src/errors.js';

const examplePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.env.example');
const lines = readFileSync(examplePath, 'utf8').split(/\r?\n/);
const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)=(.*)$/;

/** KEY=VALUE lines in order; comments and blank lines skipped, anything else kept as `bad`. */
function parseExample(): { entries: [string, string][]; bad: string[] } {
  const entries: [string, string][] = [];
  const bad: string[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (match) entries.push([match[1] ?? '', match[2] ?? '']);
    else bad.push(line);
  }
  return { entries, bad };
}

describe('.env.example', () => {
  const { entries, bad } = parseExample();
  const names = entries.map(([name]) => name);

  it('holds only plain KEY=value lines besides comments', () => {
    expect(bad).toEqual([]);
    expect(entries.filter(([, value]) => /^["']|\s#/.test(value))).toEqual([]);
  });

  it('lists exactly the variables loadConfig reads, each once', () => {
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('documents every variable with a comment right above it', () => {
    const undocumented = names.filter((name) => {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      return !lines[index - 1]?.startsWith('#');
    });
    expect(undocumented).toEqual([]);
  });

  it('is refused as it stands, naming every placeholder still in it', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig(Object.fromEntries(entries));
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'OPENCLAW_GATEWAY_TOKEN',
      'OPENCLAW_PAIRING_CHANNEL',
      'OPENCLAW_APPROVERS',
      'OPENCLAW_ADMINS',
    ]);
    expect(problems.every((p) => p.includes('placeholder from .env.example'))).toBe(true);
  });

  it('loads once the placeholders are replaced', () => {
    const real: Record<string, string> = {
      SLACK_BOT_TOKEN: 'xoxb-1-real',
      SLACK_APP_TOKEN: 'xapp-1-real',
      OPENCLAW_GATEWAY_TOKEN: 'real-secret',
      OPENCLAW_PAIRING_CHANNEL: 'C0REALCHAN',
      OPENCLAW_APPROVERS: 'S0REALGRP',
      OPENCLAW_ADMINS: 'U0REALUSER',
    };
    const config = loadConfig({ ...Object.fromEntries(entries), ...real });
    expect(config.slack).toMatchObject({ botToken: 'xoxb-1-real', socketMode: true });
    expect(config.http.port).toBe(3000);
  });
});
