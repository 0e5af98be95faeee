import WebSocket from 'ws';
import type { ErrorShape, EventFrame, StateVersion } from './frames.js';
import type { ConnectGrant } from './handshake.js';

/** One server-side socket: handshake phase, per-socket event `seq`, and frame output. */

export type SessionPhase = 'handshake' | 'connecting' | 'ready' | 'closed';

/** What tests see about a connected session. */
export interface SessionInfo {
  connId: string;
  phase: SessionPhase;
  clientId?: string;
  clientMode?: string;
  displayName?: string;
  scopes: string[];
  authMethod?: string;
  deviceId?: string;
}

export interface OutputGate {
  /** While true, nothing is written to any socket (a frozen gateway). */
  readonly silenced: boolean;
}

/** ws throws on close reasons over 123 bytes; the gateway truncates them. */
function truncateCloseReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  return bytes.length <= 123 ? reason : bytes.subarray(0, 120).toString('utf8');
}

export class Session {
  phase: SessionPhase = 'handshake';
  grant?: ConnectGrant;
  private seq = 0;
  private pendingSeqGap = 0;

  constructor(
    readonly ws: WebSocket,
    readonly connId: string,
    readonly nonce: string,
    private readonly gate: OutputGate,
  ) {}

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Serialises and sends a frame unless the gateway is silenced or the socket is gone. */
  sendFrame(frame: object): void {
    this.sendText(JSON.stringify(frame));
  }

  sendText(text: string): void {
    if (this.gate.silenced || !this.isOpen) return;
    this.ws.send(text);
  }

  /** Sends an event with the next `seq` (starting at 1 after hello; `skipNextSeq` leaves a gap). */
  sendEvent(event: string, payload: unknown, stateVersion?: StateVersion): void {
    if (this.gate.silenced || !this.isOpen) return;
    this.seq += 1 + this.pendingSeqGap;
    this.pendingSeqGap = 0;
    const frame: EventFrame = { type: 'event', event, payload, seq: this.seq };
    if (stateVersion) frame.stateVersion = { ...stateVersion };
    this.sendFrame(frame);
  }

  /** The challenge carries no `seq`, like the gateway's. */
  sendChallenge(payload: Record<string, unknown>): void {
    this.sendFrame({ type: 'event', event: 'connect.challenge', payload });
  }

  sendResult(id: string, payload: unknown): void {
    this.sendFrame({ type: 'res', id, ok: true, payload });
  }

  sendError(id: string, error: ErrorShape): void {
    this.sendFrame({ type: 'res', id, ok: false, error });
  }

  skipNextSeq(): void {
    this.pendingSeqGap += 1;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) return;
    this.ws.close(code, truncateCloseReason(reason));
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.ws.terminate();
  }

  info(): SessionInfo {
    const info: SessionInfo = { connId: this.connId, phase: this.phase, scopes: [...(this.grant?.scopes ?? [])] };
    if (this.grant) {
      info.clientId = this.grant.client.id;
      info.clientMode = this.grant.client.mode;
      info.authMethod = this.grant.authMethod;
      if (this.grant.client.displayName) info.displayName = this.grant.client.displayName;
      if (this.grant.deviceId) info.deviceId = this.grant.deviceId;
    }
    return info;
  }
}
