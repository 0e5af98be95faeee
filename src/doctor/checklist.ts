/** One line of the doctor's checklist: passed, a warning (the bot still runs), or a failure (exit 1). */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  /** What to do when it warned or failed. */
  readonly fix?: string | undefined;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

const MARK: Readonly<Record<CheckResult['status'], string>> = { ok: '✓', warn: '⚠', fail: '✗' };

/** Formats the checklist for a terminal: ✓/⚠/✗ and the fix under every line that is not ✓. */
export function formatChecklist(results: readonly CheckResult[]): string {
  return results
    .map((r) => `${MARK[r.status]} ${r.name}: ${r.detail}${r.status !== 'ok' && r.fix ? `\n    fix: ${r.fix}` : ''}`)
    .join('\n');
}

/** True when nothing failed (warnings do not fail the doctor). */
export function passed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}
