import { spawn } from 'node:child_process';
import { onExitSync } from './exit-cleanup.js';

/** How a spawned process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** A child running as the leader of its own process group; every signal goes to the whole group. */
export interface GroupProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** stdout and stderr interleaved as received (the last {@link MAX_OUTPUT_CHARS} characters). */
  output(): string;
  stdout(): string;
  hasExited(): boolean;
  /** Sends `signal` to the group and, for ending signals, waits up to `graceMs` before SIGKILL. */
  end(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
  /** Sends a signal to the group without waiting (e.g. SIGSTOP/SIGCONT). */
  signal(signal: NodeJS.Signals): void;
}

export interface SpawnGroupOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

const MAX_OUTPUT_CHARS = 1_000_000;
export const DEFAULT_GRACE_MS = 10_000;

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onExitSync('processes', killAllGroups);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function killAllGroups(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function delay(ms: number): Promise<'timeout'> {
  return new Promise((done) => setTimeout(() => done('timeout'), ms).unref());
}

/** Spawns `command` detached (own process group), captures its output and registers it for exit cleanup. */
export function spawnGroup(command: string, args: readonly string[], options: SpawnGroupOptions): GroupProcess {
  installExitHook();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: 'pipe' });
  child.stdin.end();
  let combined = '';
  let out = '';
  const append = (text: string, isStdout: boolean): void => {
    combined = (combined + text).slice(-MAX_OUTPUT_CHARS);
    if (isStdout) out = (out + text).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout.setEncoding('utf8').on('data', (text: string) => append(text, true));
  child.stderr.setEncoding('utf8').on('data', (text: string) => append(text, false));

  let done = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  }).then((exit) => {
    done = true;
    // Sweep what the leader left behind in its group (worker children), then forget the group.
    if (child.pid !== undefined) {
      signalGroup(child.pid, 'SIGKILL');
      liveGroups.delete(child.pid);
    }
    return exit;
  });
  const pid = child.pid;
  if (pid === undefined) {
    return {
      pid: -1,
      exited,
      output: () => combined,
      stdout: () => out,
      hasExited: () => true,
      end: () => exited,
      signal: () => undefined,
    };
  }
  liveGroups.add(pid);

  const end = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = DEFAULT_GRACE_MS): Promise<ProcessExit> => {
    if (done) return exited;
    signalGroup(pid, signal);
    signalGroup(pid, 'SIGCONT'); // a group frozen with SIGSTOP must run to act on the signal
    if ((await Promise.race([exited, delay(graceMs)])) === 'timeout') signalGroup(pid, 'SIGKILL');
    return exited;
  };
  return {
    pid,
    exited,
    output: () => combined,
    stdout: () => out,
    hasExited: () => done,
    end,
    signal: (signal) => signalGroup(pid, signal),
  };
}
