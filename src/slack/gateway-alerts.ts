import type { GatewayStatus } from '../gateway/gateway-client.js';
import type { OutboxStore } from '../storage/ports.js';

export interface GatewayAlertsOptions {
  /** Id of the gateway whose session this watches. */
  gatewayId: string;
  /** How the alert names the gateway ("The OpenClaw gateway" for one, "The OpenClaw gateway prod" for several). */
  label: string;
  channel: string;
  /** How long the session must be down before one alert is posted; 0 turns alerts off. */
  alertAfterMs: number;
  /** Called after an alert is queued (the delivery loop picks it up). */
  onQueued: () => void;
  onError: (err: unknown) => void;
  nowMs?: () => number;
}

/**
 * Queues one alert when a gateway session stays down past a threshold, and one recovery message when it is back.
 * Only while started: a replica starts it when it takes the gateway's background work over.
 */
export class GatewayAlerts {
  private downSinceMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private alerted = false;
  private lastStatus: GatewayStatus | undefined;
  private outbox: Pick<OutboxStore, 'enqueue'> | undefined;
  /** Until when an announced restart (`shutdown.restartExpectedMs`) is not counted as an outage. */
  private restartGraceUntilMs = 0;

  constructor(private readonly options: GatewayAlertsOptions) {}

  /** Starts watching (queuing through `outbox`), beginning with the session's status now. */
  start(outbox: Pick<OutboxStore, 'enqueue'>, status: GatewayStatus): void {
    this.outbox = outbox;
    this.onStatus(status);
  }

  /**
   * The gateway's `shutdown` event: with `restartExpectedMs` it is a planned restart, and the outage that follows
   * only starts counting once that much time has passed (a terminal shutdown has none: counted as usual).
   */
  onShutdown = (payload: unknown): void => {
    const expected = (payload as { restartExpectedMs?: unknown } | undefined)?.restartExpectedMs;
    if (typeof expected !== 'number' || !Number.isFinite(expected) || expected <= 0) return;
    this.restartGraceUntilMs = (this.options.nowMs ?? Date.now)() + Math.min(expected, 30 * 60_000);
  };

  /** Feed every gateway state change here (ignored while stopped). */
  onStatus = (status: GatewayStatus): void => {
    this.lastStatus = status;
    if (this.options.alertAfterMs <= 0 || !this.outbox) return;
    if (status.state === 'connected') {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.restartGraceUntilMs = 0;
      if (this.alerted) {
        this.alerted = false;
        const downMs = status.sinceMs - (this.downSinceMs ?? status.sinceMs);
        this.enqueue(
          `:large_green_circle: ${this.options.label} session is back after ${Math.round(downMs / 1000)} s.`,
        );
      }
      this.downSinceMs = undefined;
      return;
    }
    if (this.downSinceMs !== undefined || status.state === 'idle' || status.state === 'stopped') return;
    this.downSinceMs = status.sinceMs;
    const grace = Math.max(0, this.restartGraceUntilMs - (this.options.nowMs ?? Date.now)());
    this.timer = setTimeout(() => this.alert(), this.options.alertAfterMs + grace);
    this.timer.unref();
  };

  /** Stops watching and forgets the outage it was timing (a successor starts from its own view). */
  stop(): void {
    this.outbox = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.downSinceMs = undefined;
    this.alerted = false;
  }

  private alert(): void {
    const status = this.lastStatus;
    if (!status || status.state === 'connected') return;
    this.alerted = true;
    const since = new Date(this.downSinceMs ?? status.sinceMs).toISOString();
    const why = status.pause
      ? `Reconnecting is paused: ${status.pause.hint}.`
      : `Last error: ${status.lastError ?? 'none'}. The bot keeps retrying.`;
    this.enqueue(`:red_circle: ${this.options.label} session has been down since ${since}.`, why);
  }

  private enqueue(title: string, detail?: string): void {
    const { gatewayId, channel } = this.options;
    if (!this.outbox) return;
    this.outbox
      .enqueue({ kind: 'alert', gateway: gatewayId, channel, title, detail }, (this.options.nowMs ?? Date.now)())
      .then(this.options.onQueued, this.options.onError);
  }
}
