/** Wall-clock milliseconds with sub-millisecond resolution (monotonic since process start). */
export function hiResNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms` (unref'd, so a pending sleep never keeps the process alive). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
