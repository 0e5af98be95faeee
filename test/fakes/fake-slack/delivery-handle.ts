/** The result of one delivery to the app: how it acked, and the responses that follow it. */
import type { SlackStore } from './store.js';
import type { JsonObject, ResponseDelivery } from './types.js';
import { waitUntil } from './waiter.js';

export interface DeliveryAck {
  readonly transport: 'http' | 'socket';
  /** Acked in time: HTTP 200 / a matching envelope ack, within the ack deadline. */
  readonly acked: boolean;
  /** Time to the ack (Infinity when there was none). */
  readonly ackMs: number;
  /** HTTP status (0 when no response); undefined over Socket Mode. */
  readonly status: number | undefined;
  /** Parsed HTTP body (JSON or text), or the Socket Mode ack `payload`; undefined when empty. */
  readonly ackBody: unknown;
  readonly envelopeId: string | undefined;
}

export class DeliveryHandle implements DeliveryAck {
  readonly transport: DeliveryAck['transport'];
  readonly acked: boolean;
  readonly ackMs: number;
  readonly status: number | undefined;
  readonly ackBody: unknown;
  readonly envelopeId: string | undefined;
  private cursor = 0;

  constructor(
    private readonly store: SlackStore,
    /** The payload as delivered (command fields or the block_actions object). */
    readonly payload: JsonObject,
    readonly responseUrlId: string,
    readonly responseUrl: string,
    readonly triggerId: string,
    ack: DeliveryAck,
  ) {
    this.transport = ack.transport;
    this.acked = ack.acked;
    this.ackMs = ack.ackMs;
    this.status = ack.status;
    this.ackBody = ack.ackBody;
    this.envelopeId = ack.envelopeId;
  }

  /** Every response delivered for this delivery so far (ack payloads and response_url POSTs, refused ones too). */
  responses(): ResponseDelivery[] {
    return this.store.responses.filter((r) => r.responseUrlId === this.responseUrlId);
  }

  /** The next response not yet returned by this method; rejects after `timeoutMs` (default 2000). */
  async nextResponse(opts: { readonly timeoutMs?: number } = {}): Promise<ResponseDelivery> {
    const next = await waitUntil(
      this.store.events,
      ['response'],
      () => this.responses()[this.cursor],
      opts.timeoutMs ?? 2000,
      `response #${this.cursor + 1} on response_url ${this.responseUrlId}`,
    );
    this.cursor++;
    return next;
  }
}
