// A real OpenClaw gateway (pinned in scripts/ensure-openclaw.mjs, run on the cached Node 24) for e2e tests.
// Command: `openclaw --no-color gateway run --allow-unconfigured --auth token --token T --port P --bind loopback`
// Readiness: GET http://127.0.0.1:P/readyz answers 200 {"ready":true,…} (503 with
// failing:["startup-sidecars"] while starting; /healthz is 200 earlier, as soon as HTTP listens).
import { randomBytes } from 'node:crypto';
import { ensureOpenclaw } from '../../../scripts/ensure-openclaw.mjs';
import { findFreePort } from './free-port.js';
import { createOpenclawEnv, writeOpenclawConfig } from './openclaw-env.js';
import { DEFAULT_GRACE_MS, type GroupProcess, spawnGroup } from './process-group.js';
import { createTempHome, removeTempHome } from './temp-home.js';
import { waitFor } from './wait-for.js';

export * from './gateway-cli.js';
export { type NodeHost, type StartNodeHostOptions, startNodeHost } from './node-host.js';
export { type WaitForOptions, WaitForTimeoutError, waitFor } from './wait-for.js';

/** A running gateway. `stop()` ends it and removes its HOME; `kill()` keeps the HOME for a restart. */
export interface RealGateway {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly home: string;
  readonly version: string;
  readonly pid: number;
  /** Everything the gateway printed so far (stdout and stderr). */
  output(): string;
  isRunning(): boolean;
  /** SIGTERM to the group, SIGKILL after a bound, then removes HOME. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Signals the process group. Ending signals (default SIGKILL) resolve once it is gone; HOME is
   * kept, so `startGateway({ port, home, token })` brings the same gateway back. SIGSTOP and
   * SIGCONT resolve at once (freeze/thaw).
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Sends `signal` to the process group and returns at once, whatever it does: SIGUSR2 asks the gateway for a
   * planned restart in place (same pid, port and HOME; `shutdown` with `restartExpectedMs`, then 1012 to clients).
   */
  signal(signal: NodeJS.Signals): void;
}

export interface StartGatewayOptions {
  readonly port?: number;
  readonly home?: string;
  readonly token?: string;
  readonly readyTimeoutMs?: number;
  /** Top-level keys added to a new HOME's openclaw.json, e.g. `{ gateway: { nodes: { commands: { allow } } } }`. */
  readonly config?: Readonly<Record<string, unknown>>;
}

const READY_TIMEOUT_MS = 90_000;
const PROBE_TIMEOUT_MS = 2_000;

async function isReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { ready?: unknown };
    return body.ready === true;
  } catch {
    return false; // not listening yet, or the probe timed out
  }
}

/** Rejects with the captured output unless the gateway answers /readyz within the bound. */
async function waitUntilReady(proc: GroupProcess, port: number, timeoutMs: number): Promise<void> {
  try {
    await waitFor(
      async () => {
        if (proc.hasExited()) throw new Error(`gateway exited before ready: ${JSON.stringify(await proc.exited)}`);
        return isReady(port);
      },
      { timeoutMs, intervalMs: 200, description: `gateway on port ${port} ready` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- gateway output ---\n${proc.output().slice(-20_000)}`, {
      cause: err,
    });
  }
}

/** Starts a gateway on loopback with a temporary HOME, a random token and a free port, and waits until ready. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RealGateway> {
  const install = await ensureOpenclaw();
  const home = options.home ?? createTempHome('gw');
  const port = options.port ?? (await findFreePort());
  const token = options.token ?? randomBytes(24).toString('base64url');
  writeOpenclawConfig(home, options.config);
  const args = [
    install.openclawEntry,
    '--no-color',
    'gateway',
    'run',
    '--allow-unconfigured',
    '--auth',
    'token',
    '--token',
    token,
    '--port',
    String(port),
    '--bind',
    'loopback',
  ];
  const proc = spawnGroup(install.nodeBin, args, { cwd: home, env: createOpenclawEnv(install, home) });
  const stop = async (): Promise<void> => {
    await proc.end('SIGTERM', DEFAULT_GRACE_MS);
    removeTempHome(home);
  };
  try {
    await waitUntilReady(proc, port, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (err) {
    await proc.end('SIGKILL');
    if (options.home === undefined) removeTempHome(home);
    throw err;
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    token,
    home,
    version: install.version,
    pid: proc.pid,
    output: proc.output,
    isRunning: () => !proc.hasExited(),
    stop,
    kill: async (signal = 'SIGKILL') => {
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') proc.signal(signal);
      else await proc.end(signal, DEFAULT_GRACE_MS);
    },
    signal: (signal) => proc.signal(signal),
  };
}
