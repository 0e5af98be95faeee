import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Service {
  image?: string;
  build?: string;
  env_file?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: unknown;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(`${ROOT}compose.yaml`, 'utf8')) as { services: Record<string, Service> };

/** Compose's `${VAR}` / `${VAR:?message}` interpolation, enough for this file. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_, name: string) => vars[name] ?? '');
}

describe('compose.yaml (replicas on PostgreSQL)', () => {
  it('runs two replicas of the image on a healthy PostgreSQL 15, with no host port to clash', () => {
    const { postgres, bot } = compose.services;
    expect(postgres?.image).toBe('postgres:15');
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(bot?.build).toBe('.');
    expect(bot?.env_file).toBe('.env');
    expect(bot?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(bot?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(bot?.ports).toBeUndefined();
  });

  it('gives the bot a DATABASE_URL its configuration accepts, for the database and role PostgreSQL creates', () => {
    const { postgres, bot } = compose.services;
    const vars = { POSTGRES_PASSWORD: 'pw-from-the-shell' };
    const url = interpolate(bot?.environment?.DATABASE_URL ?? '', vars);
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-real-looking',
      SLACK_APP_TOKEN: 'xapp-1-real-looking',
      OPENCLAW_GATEWAY_TOKEN: 'gateway-secret',
      OPENCLAW_PAIRING_CHANNEL: 'C0REALCHAN',
      DATABASE_URL: url,
    });
    expect(config.storage).toEqual({ kind: 'postgres', url });
    const parsed = new URL(url);
    expect(parsed.username).toBe(postgres?.environment?.POSTGRES_USER);
    expect(parsed.pathname).toBe(`/${postgres?.environment?.POSTGRES_DB}`);
    expect(decodeURIComponent(parsed.password)).toBe(vars.POSTGRES_PASSWORD);
    expect(parsed.host).toBe('postgres:5432');
  });
});
