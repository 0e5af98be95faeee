import { AppError, ErrorCode } from '../errors.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'paused' | 'stopped';

/** A snapshot of the session for health checks and `/openclaw presence`. */
export interface GatewayStatus {
  state: ConnectionState;
  sinceMs: number;
  connectedSinceMs: number | undefined;
  lastError: string | undefined;
  pause: { reason: string; hint: string } | undefined;
  grantedScopes: readonly string[];
  serverVersion: string | undefined;
  reconnects: number;
  lastFrameAtMs: number | undefined;
}

/** The session's status: one mutable record the client updates, copies for everyone else, change handlers. */
export class SessionStatus {
  readonly current: GatewayStatus;
  private readonly handlers = new Set<(status: GatewayStatus) => void>();

  constructor(private readonly nowMs: () => number) {
    this.current = {
      state: 'idle',
      sinceMs: nowMs(),
      connectedSinceMs: undefined,
      lastError: undefined,
      pause: undefined,
      grantedScopes: [],
      serverVersion: undefined,
      reconnects: 0,
      lastFrameAtMs: undefined,
    };
  }

  /** A copy of the status. */
  snapshot(): GatewayStatus {
    return { ...this.current };
  }

  /** Moves to `state` (if it is new) and tells every handler. */
  setState(state: ConnectionState): void {
    if (this.current.state === state) return;
    this.current.state = state;
    this.current.sinceMs = this.nowMs();
    if (state !== 'connected') this.current.connectedSinceMs = undefined;
    const snapshot = this.snapshot();
    for (const handler of this.handlers) handler(snapshot);
  }

  /** Called on every state change; returns the unsubscribe function. */
  onChange(handler: (status: GatewayStatus) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** A session came up: what the gateway granted, and nothing paused or failing any more. */
  recordHello(grantedScopes: readonly string[], serverVersion: string | undefined): void {
    Object.assign(this.current, {
      grantedScopes,
      serverVersion,
      pause: undefined,
      lastError: undefined,
      connectedSinceMs: this.nowMs(),
    });
  }

  /** Human summary of the state, e.g. "reconnecting since 14:02:11 (last error: …)". */
  describe(): string {
    const since = new Date(this.current.sinceMs).toISOString();
    const err = this.current.lastError ? `; last error: ${this.current.lastError}` : '';
    const pause = this.current.pause ? `; paused: ${this.current.pause.hint}` : '';
    return `${this.current.state} since ${since}${err}${pause}`;
  }

  /** Resolves when connected (or rejects after `timeoutMs`). */
  waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.current.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new AppError(ErrorCode.CLIENT_TIMEOUT, `gateway not connected within ${timeoutMs} ms (${this.describe()})`),
        );
      }, timeoutMs);
      timer.unref();
      const off = this.onChange((s) => {
        if (s.state === 'connected') {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }
}

/** The warning for a session granted fewer scopes than asked, or undefined when it got them all. */
export function scopeShortfall(asked: readonly string[], granted: readonly string[]): string | undefined {
  const missing = asked.filter((s) => !granted.includes(s));
  if (missing.length === 0) return undefined;
  const pairingNote = missing.includes('operator.pairing')
    ? ' Without operator.pairing no pairing requests reach the bot.'
    : '';
  return (
    `the gateway granted fewer scopes than asked (missing ${missing.join(', ')}).${pairingNote} ` +
    'Approve the bot device for these scopes (openclaw devices list / approve) or narrow OPENCLAW_GATEWAY_SCOPES.'
  );
}
