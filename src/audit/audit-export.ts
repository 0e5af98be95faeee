/** `node dist/main.js audit [--since 24h] [--json]`: the audit log for a shell or a SIEM, oldest first. */
import type { AuditEntry } from './audit-entry.js';

/** What the command line asks for. */
export interface AuditExportArgs {
  /** Only rows at or after this time (undefined: all). */
  readonly sinceMs: number | undefined;
  /** JSON lines instead of text. */
  readonly json: boolean;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `--since <n><s|m|h|d>` (or an ISO date) and `--json`; an error says what to type. */
export function parseAuditArgs(
  argv: readonly string[],
  nowMs: number,
): { ok: true; args: AuditExportArgs } | { ok: false; error: string } {
  let sinceMs: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--since' || arg.startsWith('--since=')) {
      if (arg === '--since') i += 1;
      const value = arg === '--since' ? argv[i] : arg.slice('--since='.length);
      const parsed = parseSince(value ?? '', nowMs);
      if (parsed === undefined) {
        return {
          ok: false,
          error: `--since needs a duration such as 30m, 24h or 7d, or a date such as 2026-12-01 (got "${value ?? ''}")`,
        };
      }
      sinceMs = parsed;
    } else return { ok: false, error: `unknown argument "${arg}". Usage: audit [--since 24h] [--json]` };
  }
  return { ok: true, args: { sinceMs, json } };
}

function parseSince(value: string, nowMs: number): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  if (match) return nowMs - Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1_000);
  const date = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(date) ? date : undefined;
}

/** One row as a JSON line: ISO times next to the epoch ms, every field the store holds. */
export function formatAuditJson(entry: AuditEntry): string {
  return JSON.stringify({
    ...entry,
    at: new Date(entry.atMs).toISOString(),
    ...(entry.completedAtMs === undefined ? {} : { completedAt: new Date(entry.completedAtMs).toISOString() }),
  });
}

/** One row as a line of text: time, actor, action, target, outcome, params and detail (control characters removed). */
export function formatAuditText(entry: AuditEntry): string {
  const target = entry.targetName ? `${entry.target} "${entry.targetName}"` : entry.target;
  const gateway = entry.gateway ? ` [${entry.gateway}]` : '';
  const params = entry.params === undefined ? '' : ` params=${JSON.stringify(entry.params)}`;
  const detail = entry.detail ? ` (${entry.detail})` : '';
  const line = `${new Date(entry.atMs).toISOString()} ${entry.actor} ${entry.action}${gateway} ${target} ${entry.outcome}${params}${detail}`;
  return line.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}
