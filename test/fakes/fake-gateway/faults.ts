import type { ErrorShape } from './frames.js';
import type { HandshakeRejection } from './handshake.js';
import type { Session } from './session.js';

/** Faults a test can cue on the fake gateway; each is off until asked for. */

export type ResponseDelay = number | ((method: string) => number);

export class Faults {
  /** While true nothing is written, incoming frames are ignored and pings go unanswered. */
  silenced = false;
  ticksPaused = false;
  private delay: ResponseDelay = 0;
  private authRefusals = 0;
  private readonly connectFailures: HandshakeRejection[] = [];

  delayResponses(delay: ResponseDelay): void {
    this.delay = delay;
  }

  responseDelayMs(method: string): number {
    const ms = typeof this.delay === 'function' ? this.delay(method) : this.delay;
    return Math.max(0, ms);
  }

  /** The next `times` connects (default: until `acceptAuth`) fail as if the shared secret were wrong. */
  refuseAuth(times = Number.POSITIVE_INFINITY): void {
    this.authRefusals = times;
  }

  acceptAuth(): void {
    this.authRefusals = 0;
  }

  consumeAuthRefusal(): boolean {
    if (this.authRefusals <= 0) return false;
    this.authRefusals -= 1;
    return true;
  }

  /** Queues a rejection for the next well-formed `connect`. */
  failNextConnectWith(error: ErrorShape, closeCode = 1008, closeReason = error.message): void {
    this.connectFailures.push({ error, closeCode, closeReason });
  }

  takeConnectFailure(): HandshakeRejection | undefined {
    return this.connectFailures.shift();
  }

  reset(): void {
    this.silenced = false;
    this.ticksPaused = false;
    this.delay = 0;
    this.authRefusals = 0;
    this.connectFailures.length = 0;
  }
}

/** Terminates every socket without a close frame (client sees 1006). */
export function dropSessions(sessions: Iterable<Session>): void {
  for (const session of sessions) session.terminate();
}

export function closeSessions(sessions: Iterable<Session>, code: number, reason: string): void {
  for (const session of sessions) session.close(code, reason);
}

/** Sends `text` verbatim to every open socket (malformed-frame tests). */
export function sendRawToSessions(sessions: Iterable<Session>, text: string): void {
  for (const session of sessions) session.sendText(text);
}

/** Sends a `health` event whose serialised frame is at least `bytes` long to every ready session. */
export function sendOversizedToSessions(sessions: Iterable<Session>, bytes: number, nowMs: number): void {
  const padding = 'x'.repeat(Math.max(0, bytes));
  for (const session of sessions) {
    if (session.phase === 'ready') session.sendEvent('health', { ok: true, ts: nowMs, padding });
  }
}
