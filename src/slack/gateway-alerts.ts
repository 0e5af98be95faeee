import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { GatewayStatus } from '../gateway/gateway-client.js';
import { context, section } from './blocks/block-kit.js';
import { escapeMrkdwn, truncate } from './escape.js';
import { retryDelayMs } from './slack-errors.js';

export interface GatewayAlertsOptions {
  client: Pick<WebClient, 'chat'>;
  channel: string;
  log: Logger;
  /** How long the session must be down before one alert is posted; 0 turns alerts off. */
  alertAfterMs: number;
  nowMs?: () => number;
}

/** Posts one alert when the gateway session stays down past a threshold, and one recovery message when it is back. */
export class GatewayAlerts {
  private downSinceMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private alerted = false;
  private lastStatus: GatewayStatus | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: GatewayAlertsOptions) {}

  /** Feed every gateway state change here. */
  onStatus = (status: GatewayStatus): void => {
    this.lastStatus = status;
    if (this.options.alertAfterMs <= 0 || this.stopped) return;
    if (status.state === 'connected') {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.alerted) {
        this.alerted = false;
        const downMs = status.sinceMs - (this.downSinceMs ?? status.sinceMs);
        this.enqueue(
          `:large_green_circle: The OpenClaw gateway session is back after ${Math.round(downMs / 1000)} s.`,
          undefined,
        );
      }
      this.downSinceMs = undefined;
      return;
    }
    if (this.downSinceMs !== undefined || status.state === 'idle' || status.state === 'stopped') return;
    this.downSinceMs = status.sinceMs;
    this.timer = setTimeout(() => this.alert(), this.options.alertAfterMs);
    this.timer.unref();
  };

  /** Stops timers; waits (bounded) for a message being delivered. */
  async stop(timeoutMs = 3_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.race([this.queue, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private alert(): void {
    const status = this.lastStatus;
    if (!status || status.state === 'connected') return;
    this.alerted = true;
    const since = new Date(this.downSinceMs ?? status.sinceMs).toISOString();
    const why = status.pause
      ? `Reconnecting is paused: ${status.pause.hint}.`
      : `Last error: ${status.lastError ?? 'none'}. The bot keeps retrying.`;
    this.enqueue(`:red_circle: The OpenClaw gateway session has been down since ${since}.`, why);
  }

  private enqueue(title: string, detail: string | undefined): void {
    this.queue = this.queue.then(() => this.post(title, detail));
  }

  private async post(title: string, detail: string | undefined): Promise<void> {
    const text = truncate(detail ? `${title} ${escapeMrkdwn(detail)}` : title, 2_000);
    const blocks = [
      section('alert.title', title),
      ...(detail ? [context('alert.detail', [truncate(escapeMrkdwn(detail), 2_000)])] : []),
    ];
    for (let failures = 1; !this.stopped || failures === 1; failures += 1) {
      try {
        await this.options.client.chat.postMessage({ channel: this.options.channel, text, blocks });
        return;
      } catch (err) {
        const delayMs = retryDelayMs(err, failures);
        this.options.log.warn({ err, retryInMs: delayMs }, 'could not post the gateway alert; retrying');
        await new Promise((r) => setTimeout(r, delayMs).unref());
      }
    }
  }
}
