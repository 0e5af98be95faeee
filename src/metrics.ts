import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every Prometheus metric the bot exports, on its own registry (no global state). */
export function createMetrics() {
  const registry = new Registry();
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  return {
    registry,
    gatewayConnected: new Gauge({
      name: 'openclaw_gateway_connected',
      help: '1 while the gateway session is up',
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    gatewayReconnects: new Counter({
      name: 'openclaw_gateway_reconnects_total',
      help: 'Gateway reconnects',
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    gatewayLastEventAge: new Gauge({
      name: 'openclaw_gateway_last_frame_age_seconds',
      help: 'Seconds since the last frame from the gateway',
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    pendingRequests: new Gauge({
      name: 'openclaw_pairing_pending_requests',
      help: 'Pairing requests waiting for a decision',
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'openclaw_pairing_decisions_total',
      help: 'Pairing decisions by outcome',
      labelNames: ['outcome', 'gateway'] as const,
      registers: [registry],
    }),
    commandAck: new Histogram({
      name: 'openclaw_slack_command_ack_seconds',
      help: 'Time from receiving a slash command to acking it',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    clickAck: new Histogram({
      name: 'openclaw_slack_click_ack_seconds',
      help: 'Time from receiving a button click to acking it',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    leaseHeld: new Gauge({
      name: 'openclaw_lease_held',
      help: "1 while this process holds the gateway's lease (does its background work); a single instance always does",
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    leaseTakeovers: new Counter({
      name: 'openclaw_lease_takeovers_total',
      help: "Times this process took a gateway's lease over from another (or an earlier) holder",
      labelNames: ['gateway'] as const,
      registers: [registry],
    }),
    slackErrors: new Counter({
      name: 'openclaw_slack_api_errors_total',
      help: 'Slack Web API failures (retried)',
      labelNames: ['method', 'error'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
