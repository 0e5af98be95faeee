import type { Logger } from 'pino';
import type { EventFrame } from './frames.js';

export type EventHandler = (payload: unknown, frame: EventFrame) => void;
export type ResyncReason = 'connected' | 'seq-gap';

/** Typed subscriptions to gateway events (`*` for all) and the resync signal; a throwing handler never stops the others. */
export class EventBus {
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private readonly resyncHandlers = new Set<(reason: ResyncReason) => void>();

  /** The last event sequence number seen on this socket (per socket: it restarts on reconnect). */
  private lastSeq: number | undefined;

  constructor(private readonly log: Logger) {}

  /** A new socket: its sequence starts afresh. */
  resetSequence(): void {
    this.lastSeq = undefined;
  }

  /** Dispatches one event frame; a gap in its sequence number first signals a resync (events were missed). */
  receive(frame: EventFrame): void {
    if (frame.seq !== undefined) {
      const gap = this.lastSeq !== undefined && frame.seq > this.lastSeq + 1;
      this.lastSeq = frame.seq;
      if (gap) {
        this.log.warn({ seq: frame.seq }, 'gateway event sequence gap: resyncing');
        this.resync('seq-gap');
      }
    }
    this.emit(frame);
  }

  on(event: string, handler: EventHandler): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  onResync(handler: (reason: ResyncReason) => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  emit(frame: EventFrame): void {
    for (const key of [frame.event, '*']) {
      for (const handler of this.handlers.get(key) ?? []) {
        try {
          handler(frame.payload, frame);
        } catch (err) {
          this.log.error({ err, event: frame.event }, 'gateway event handler failed');
        }
      }
    }
  }

  resync(reason: ResyncReason): void {
    for (const handler of this.resyncHandlers) {
      try {
        handler(reason);
      } catch (err) {
        this.log.error({ err, reason }, 'resync handler failed');
      }
    }
  }
}
