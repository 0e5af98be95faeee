/** Token bucket per key (a channel): `burst` requests at once, then `perSec` per second. */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly nowMs: () => number,
  ) {}

  /** Takes a token; returns 0 when allowed, else the whole seconds to wait (≥1) for Retry-After. */
  take(key: string): number {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, atMs: now };
    const refilled = Math.min(this.burst, bucket.tokens + ((now - bucket.atMs) / 1000) * this.perSec);
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, atMs: now });
      return 0;
    }
    this.buckets.set(key, { tokens: refilled, atMs: now });
    return Math.max(1, Math.ceil((1 - refilled) / this.perSec));
  }
}
