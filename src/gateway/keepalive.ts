/** Watches for silence: calls `onSilent` once more than twice the gateway's tick interval passes without a frame. */
export class Keepalive {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly nowMs: () => number) {}

  /** `lastFrameAtMs` reads the time of the last inbound frame (any event or response). */
  start(tickIntervalMs: number, lastFrameAtMs: () => number | undefined, onSilent: (silentMs: number) => void): void {
    this.stop();
    this.timer = setInterval(
      () => {
        const silentMs = this.nowMs() - (lastFrameAtMs() ?? 0);
        if (silentMs > 2 * tickIntervalMs) {
          this.stop();
          onSilent(silentMs);
        }
      },
      Math.max(tickIntervalMs, 1_000),
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
