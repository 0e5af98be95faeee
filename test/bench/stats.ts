/** Order statistics for benchmark samples: median, nearest-rank percentiles, max. */

/** The samples sorted ascending (a copy). */
function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** The middle sample (mean of the two middle ones for an even count); NaN when empty. */
export function median(samples: readonly number[]): number {
  const s = sorted(samples);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest-rank percentile (`p` in 0–100): with fewer than 100 samples p99 is the max. NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  const s = sorted(samples);
  if (s.length === 0) return Number.NaN;
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] as number;
}

/** The largest sample; NaN when empty. */
export function max(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : Math.max(...samples);
}

/** Median, p99 and max of one set of samples. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
}

/** Summarises samples in one pass of sorting each statistic needs. */
export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, median: median(samples), p99: percentile(samples, 99), max: max(samples) };
}
