// A real headless node host: `openclaw --no-color node run --host 127.0.0.1 --port P --display-name NAME
// [--commands a,b]`. `node run` has no --token flag; it reads OPENCLAW_GATEWAY_TOKEN from the
// environment (docs/cli/node.md "Gateway auth for node host"). Its device pairing is approved
// silently on loopback; its command surface then waits as a pending node pairing request.
import { ensureOpenclaw } from '../../../scripts/ensure-openclaw.mjs';
import { createOpenclawEnv, writeOpenclawConfig } from './openclaw-env.js';
import { DEFAULT_GRACE_MS, spawnGroup } from './process-group.js';
import type { RealGateway } from './real-gateway.js';
import { createTempHome, removeTempHome } from './temp-home.js';
import { waitFor } from './wait-for.js';

/** A running node host. `stop()` removes its HOME; `kill()` keeps it (same device identity on restart). */
export interface NodeHost {
  readonly name: string;
  readonly home: string;
  readonly pid: number;
  output(): string;
  isRunning(): boolean;
  stop(): Promise<void>;
  /** Signals the group (default SIGKILL) and waits for it to end; SIGSTOP/SIGCONT return at once. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartNodeHostOptions {
  readonly name: string;
  /** Advertise only these command ids (`--commands`); by default the full headless surface. */
  readonly commands?: readonly string[];
  /** Reuse a HOME from an earlier node host to keep its device identity. */
  readonly home?: string;
  /** Wait until the host logs that it connected to the gateway (default true). */
  readonly waitForConnect?: boolean;
  readonly connectTimeoutMs?: number;
}

const CONNECTED_LINE = 'node host gateway connected';
const CONNECT_TIMEOUT_MS = 60_000;

/** Starts `openclaw node run` against `gw` with its own HOME; by default resolves once it is connected. */
export async function startNodeHost(gw: RealGateway, options: StartNodeHostOptions): Promise<NodeHost> {
  const install = await ensureOpenclaw();
  const home = options.home ?? createTempHome('node');
  writeOpenclawConfig(home);
  const args = [install.openclawEntry, '--no-color', 'node', 'run', '--host', '127.0.0.1', '--port', String(gw.port)];
  args.push('--display-name', options.name);
  if (options.commands !== undefined) args.push('--commands', options.commands.join(','));
  const env = createOpenclawEnv(install, home, { OPENCLAW_GATEWAY_TOKEN: gw.token });
  const proc = spawnGroup(install.nodeBin, args, { cwd: home, env });
  if (options.waitForConnect ?? true) {
    try {
      await waitFor(
        async () => {
          if (proc.hasExited()) throw new Error(`node host exited: ${JSON.stringify(await proc.exited)}`);
          return proc.output().includes(CONNECTED_LINE);
        },
        {
          timeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
          description: `node host ${options.name} connected`,
        },
      );
    } catch (err) {
      await proc.end('SIGKILL');
      if (options.home === undefined) removeTempHome(home);
      throw new Error(`${(err as Error).message}\n--- node host output ---\n${proc.output().slice(-20_000)}`, {
        cause: err,
      });
    }
  }
  return {
    name: options.name,
    home,
    pid: proc.pid,
    output: proc.output,
    isRunning: () => !proc.hasExited(),
    stop: async () => {
      await proc.end('SIGTERM', DEFAULT_GRACE_MS);
      removeTempHome(home);
    },
    kill: async (signal = 'SIGKILL') => {
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') proc.signal(signal);
      else await proc.end(signal, DEFAULT_GRACE_MS);
    },
  };
}
