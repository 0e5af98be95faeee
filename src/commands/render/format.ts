/** Human units for renderers: elapsed time, durations and byte sizes. Pure and total (bad input → "unknown"). */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "45 s ago", "3 min ago", "2 h ago", "5 d ago" for an elapsed time in ms; "unknown" when not finite. */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms < 5 * SECOND) return 'just now';
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} d ago`;
}

/** Time since `atMs`, or "never" when it is missing. */
export function formatSince(atMs: number | undefined, nowMs: number): string {
  return atMs === undefined ? 'never' : formatAgo(nowMs - atMs);
}

/** "350 ms", "1.2 s", "2 min 5 s", "3 h 4 min" for a duration in ms. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(Math.round(ms / 100) / 10).toString()} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ${Math.floor((ms % MINUTE) / SECOND)} s`;
  return `${Math.floor(ms / HOUR)} h ${Math.floor((ms % HOUR) / MINUTE)} min`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** "512 B", "1.5 GiB" (binary units, one decimal above bytes); "unknown" for a missing or negative size. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return 'unknown';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A number for display, or "?" when missing or not finite. */
export function formatNumber(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '?' : Number(value.toFixed(digits)).toString();
}
