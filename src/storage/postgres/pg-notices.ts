import pg from 'pg';
import type { Logger } from 'pino';
import type { WorkNotice, WorkNotices } from '../ports.js';
import { NOTICE_CHANNEL } from './pg-schema.js';

/** Any gateway: sent to listeners after the notice connection came back (notices may have been missed meanwhile). */
export const ALL_GATEWAYS = '*';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

function parseNotice(payload: string | undefined): WorkNotice | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<WorkNotice>;
    if (typeof value.gateway !== 'string') return undefined;
    if (value.kind !== 'delivery' && value.kind !== 'reconcile') return undefined;
    return { gateway: value.gateway, kind: value.kind };
  } catch {
    return undefined;
  }
}

/**
 * LISTEN/NOTIFY on one connection of its own (a pooled one would be handed to other queries). It reconnects with
 * backoff when the server goes away and then tells listeners to look at everything.
 */
export class PgNotices implements WorkNotices {
  private readonly listeners = new Set<(notice: WorkNotice) => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly publishVia: (sql: string, params: unknown[]) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  async publish(notice: WorkNotice): Promise<void> {
    await this.publishVia('SELECT pg_notify($1, $2)', [NOTICE_CHANNEL, JSON.stringify(notice)]);
  }

  subscribe(listener: (notice: WorkNotice) => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.connecting) this.connecting = this.connect();
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the LISTEN connection is up (tests; the bot does not wait). */
  async ready(): Promise<void> {
    await this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private emit(notice: WorkNotice): void {
    for (const listener of this.listeners) listener(notice);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'openclaw-slack-ops:listen' });
    client.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice) this.emit(notice);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTICE_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      if (this.failures > 0) {
        this.log.info('PostgreSQL notices are back');
        this.emit({ gateway: ALL_GATEWAYS, kind: 'delivery' });
      }
      this.failures = 0;
    } catch (err) {
      await client.end().catch(() => undefined);
      this.retry(err);
    } finally {
      this.connecting = undefined;
    }
  }

  private lost(client: pg.Client, err: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    this.retry(err);
  }

  private retry(err: unknown): void {
    if (this.closed) return;
    this.failures += 1;
    const delayMs = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (this.failures - 1));
    if (this.failures === 1) {
      this.log.warn(
        { err: err instanceof Error ? { message: err.message } : undefined, retryInMs: delayMs },
        'PostgreSQL notice connection lost; polling covers the gap until it is back',
      );
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connecting = this.connect();
    }, delayMs);
    this.timer.unref();
  }
}
