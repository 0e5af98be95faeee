/** Cleanup phases, run in this order when the test process exits: end processes before deleting their files. */
export type ExitCleanupPhase = 'processes' | 'files';

const tasks: Record<ExitCleanupPhase, Array<() => void>> = { processes: [], files: [] };
let installed = false;

function runAll(): void {
  for (const phase of ['processes', 'files'] as const) {
    for (const task of tasks[phase]) {
      try {
        task();
      } catch (err) {
        // One failed step must not keep the others from running.
        console.error(`e2e exit cleanup (${phase}) failed:`, err);
      }
    }
  }
}

/**
 * Registers a synchronous task to run when the test process exits (normally, by an uncaught error,
 * or by SIGINT/SIGTERM/SIGHUP when nobody else handles those).
 */
export function onExitSync(phase: ExitCleanupPhase, task: () => void): void {
  tasks[phase].push(task);
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      runAll();
      process.kill(process.pid, signal); // the handler is gone now: die of the same signal
    });
  }
}
