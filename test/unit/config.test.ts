import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_APP_TOKEN: 'xapp-test',
  OPENCLAW_GATEWAY_TOKEN: 'gw-secret',
  OPENCLAW_PAIRING_CHANNEL: 'C0PAIRING1',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and groups by concern', () => {
    const config = loadConfig(valid);
    expect(config.slack).toMatchObject({ socketMode: true, apiUrl: 'https://slack.com/api/' });
    expect(config.gateways).toEqual([
      {
        id: 'default',
        url: 'ws://127.0.0.1:18789',
        auth: { token: 'gw-secret' },
        scopes: ['operator.read', 'operator.write', 'operator.pairing', 'operator.admin'],
        clientName: 'openclaw-slack-ops',
        pairingChannel: 'C0PAIRING1',
      },
    ]);
    expect(config.http.port).toBe(3000);
    expect(config.access).toMatchObject({ approvers: [], admins: [], allowSystemRun: false });
    expect(config.stateDir).toMatch(/data$/);
  });

  it('reports every problem at once, naming each variable', () => {
    const problems = problemsOf({ PORT: 'abc', OPENCLAW_GATEWAY_URL: 'http://x', OPENCLAW_PAIRING_CHANNEL: '#ops' });
    const joined = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'OPENCLAW_GATEWAY_TOKEN',
      'PORT',
      'OPENCLAW_GATEWAY_URL',
      'OPENCLAW_PAIRING_CHANNEL',
    ]) {
      expect(joined).toContain(name);
    }
    expect(joined).toContain('not a #name');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...valid, PORT: '', STATE_DIR: '  ' }).http.port).toBe(3000);
  });

  it('parses principal lists and rejects names', () => {
    const config = loadConfig({
      ...valid,
      OPENCLAW_APPROVERS: 'U012ABC, S0GROUP1 W999',
      OPENCLAW_ALLOW_SYSTEM_RUN: 'true',
    });
    expect(config.access.approvers).toEqual(['U012ABC', 'S0GROUP1', 'W999']);
    expect(config.access.allowSystemRun).toBe(true);
    expect(problemsOf({ ...valid, OPENCLAW_ADMINS: '@alice' }).join()).toContain(
      'OPENCLAW_ADMINS: "@alice" is not valid',
    );
  });

  it('uses HTTP mode with a signing secret and normalises the API URL', () => {
    const { SLACK_APP_TOKEN: _, ...http } = valid;
    const config = loadConfig({
      ...http,
      SLACK_SIGNING_SECRET: 'abcdef123456',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(config.slack.socketMode).toBe(false);
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('never puts secret values in its messages', () => {
    const problems = problemsOf({ ...valid, SLACK_BOT_TOKEN: 'xoxp-secret-value' });
    expect(problems.join()).not.toContain('secret-value');
  });

  it('refuses the placeholders of .env.example, saying what belongs there', () => {
    const problems = problemsOf({ ...valid, SLACK_BOT_TOKEN: 'xoxb-your-bot-token', OPENCLAW_ADMINS: 'U0123456789' });
    expect(problems).toEqual([
      expect.stringMatching(
        /^SLACK_BOT_TOKEN: "xoxb-your-bot-token" is the placeholder from .env.example; put the Bot User OAuth Token/,
      ),
      expect.stringMatching(
        /^OPENCLAW_ADMINS: "U0123456789" is the placeholder from .env.example; put your Slack member id/,
      ),
    ]);
  });

  it('explains a channel emptied by a # in .env, instead of saying it is required', () => {
    const problems = problemsOf({ ...valid, OPENCLAW_PAIRING_CHANNEL: '' });
    expect(problems).toEqual([
      expect.stringMatching(
        /^OPENCLAW_PAIRING_CHANNEL: is set but empty\. In \.env everything after # is a comment, so OPENCLAW_PAIRING_CHANNEL=#ops reads as empty: use the channel id/,
      ),
    ]);
    const { OPENCLAW_PAIRING_CHANNEL: _, ...unset } = valid;
    expect(problemsOf(unset)).toEqual([expect.stringMatching(/^OPENCLAW_PAIRING_CHANNEL: required/)]);
  });
});
