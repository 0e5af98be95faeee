/** Parses `--timeout` values such as `500ms`, `30s` and `2m`. */

/** Shortest `--timeout` accepted. */
export const MIN_TIMEOUT_MS = 500;
/** Longest `--timeout` accepted. */
export const MAX_TIMEOUT_MS = 10 * 60_000;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000 };

/** `{ok:true, ms}` for a duration between 500 ms and 10 min, else an error saying what to type. */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const match = /^(\d{1,7}(?:\.\d{1,3})?)(ms|s|m)$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined) {
    return { ok: false, error: 'the timeout must be a number with a unit: 500ms, 30s or 2m' };
  }
  const ms = Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 1));
  if (ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    return { ok: false, error: 'the timeout must be between 500ms and 10m' };
  }
  return { ok: true, ms };
}
