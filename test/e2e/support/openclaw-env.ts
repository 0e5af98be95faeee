import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenclawInstall } from '../../../scripts/ensure-openclaw.mjs';

/**
 * A minimal environment for an OpenClaw process: nothing is inherited from the test process
 * (no OPENCLAW_*, NODE_OPTIONS or loader flags from vitest), `node` on PATH is the cached Node 24,
 * HOME/TMPDIR point into `home` so all state stays there, and OPENCLAW_NO_AUTO_UPDATE=1 keeps it off the network
 * (documented: no update checks, no telemetry.openclaw.ai request on gateway start, no `npm view openclaw` from a node
 * host, which here only failed on the proxy's certificate and cost a process per start).
 */
export function createOpenclawEnv(
  install: OpenclawInstall,
  home: string,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const tmp = join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    HOME: home,
    TMPDIR: tmp,
    PATH: [dirname(install.nodeBin), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    ...extra,
  };
}

/**
 * Writes `<home>/.openclaw/openclaw.json` once, pointing the file log into `home`
 * (the default is a shared `/tmp/openclaw/openclaw-<date>.log`). An existing config is kept,
 * so a restart on the same HOME sees the same state. `extra` adds top-level keys (e.g. `gateway`, `plugins`).
 */
export function writeOpenclawConfig(home: string, extra: Readonly<Record<string, unknown>> = {}): void {
  const dir = join(home, '.openclaw');
  const file = join(dir, 'openclaw.json');
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  const config = { logging: { file: join(home, 'openclaw.log') }, ...extra };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
