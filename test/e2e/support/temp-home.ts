import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExitSync } from './exit-cleanup.js';

const PREFIX = join(tmpdir(), 'openclaw-e2e-');
const created = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Runs after the process groups are killed; removes whatever a failed test left behind.
  onExitSync('files', () => {
    for (const dir of created) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
}

/** Creates a fresh temporary HOME (`<tmp>/openclaw-e2e-<kind>-XXXXXX`) that is removed at exit at the latest. */
export function createTempHome(kind: string): string {
  installExitHook();
  const dir = mkdtempSync(`${PREFIX}${kind}-`);
  created.add(dir);
  return dir;
}

/** Removes a HOME made by {@link createTempHome}; any other path is left alone. */
export function removeTempHome(dir: string): void {
  if (!dir.startsWith(PREFIX)) return;
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  created.delete(dir);
}
