/** One typed stream of what happened in the domain; features subscribe (cards, alerts, metrics, App Home later). */

import type { Logger } from 'pino';
import type { AnyDecision, RequestStatus } from '../pairing/types.js';
import type { RequestKey } from '../storage/ports.js';

/** Everything the domain announces. */
export type DomainEvent =
  | { readonly type: 'request.seen'; readonly key: RequestKey }
  | { readonly type: 'request.changed'; readonly key: RequestKey }
  | { readonly type: 'request.resolved'; readonly key: RequestKey; readonly status: RequestStatus }
  | {
      readonly type: 'decision.made';
      readonly key: RequestKey;
      readonly decision: AnyDecision;
      readonly userId: string;
      readonly outcome: string;
    }
  | { readonly type: 'gateway.up'; readonly gateway: string }
  | {
      readonly type: 'gateway.down';
      readonly gateway: string;
      readonly sinceMs: number;
      readonly lastError?: string | undefined;
    }
  /** Something was queued for Slack (a card changed, a reply or an alert was enqueued). */
  | { readonly type: 'delivery.queued' };

export type DomainEventType = DomainEvent['type'];
type Handler<T extends DomainEventType> = (event: Extract<DomainEvent, { type: T }>) => void;

/** A synchronous in-process emitter: a handler that throws is logged and does not stop the others. */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, Set<(event: DomainEvent) => void>>();

  constructor(private readonly log: Logger) {}

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends DomainEventType>(type: T, handler: Handler<T>): () => void {
    const set = this.handlers.get(type) ?? new Set();
    this.handlers.set(type, set);
    const wrapped = handler as (event: DomainEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit(event: DomainEvent): void {
    for (const handler of this.handlers.get(event.type) ?? []) {
      try {
        handler(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'a domain event handler failed');
      }
    }
  }
}
