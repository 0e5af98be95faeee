import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayStatus } from '../../../src/gateway/gateway-client.js';
import { GatewayAlerts } from '../../../src/slack/gateway-alerts.js';
import type { OutboxMessage } from '../../../src/storage/ports.js';

const status = (state: GatewayStatus['state'], sinceMs: number): GatewayStatus => ({
  state,
  sinceMs,
  connectedSinceMs: state === 'connected' ? sinceMs : undefined,
  lastError: state === 'connected' ? undefined : 'connection closed (1012)',
  pause: undefined,
  grantedScopes: [],
  serverVersion: '2026.9.6',
  reconnects: 0,
  lastFrameAtMs: undefined,
});

function setup() {
  const queued: OutboxMessage[] = [];
  const alerts = new GatewayAlerts({
    gatewayId: 'default',
    label: 'The OpenClaw gateway',
    channel: 'C1',
    alertAfterMs: 60_000,
    onQueued: () => undefined,
    onError: () => undefined,
    nowMs: Date.now,
  });
  const enqueue = async (m: OutboxMessage) => queued.push(m);
  alerts.start({ enqueue }, status('connected', 0));
  return { alerts, queued };
}

afterEach(() => vi.useRealTimers());

describe('GatewayAlerts and planned restarts', () => {
  it('counts an outage after a shutdown with restartExpectedMs only once that time is up', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { alerts, queued } = setup();
    // As the live gateway sends it before closing with 1012 on SIGUSR2.
    alerts.onShutdown({ reason: 'gateway restarting', restartExpectedMs: 120_000 });
    alerts.onStatus(status('reconnecting', Date.now()));
    await vi.advanceTimersByTimeAsync(60_000 + 119_000);
    expect(queued).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(queued).toHaveLength(1);
    alerts.stop();
  });

  it('treats a terminal shutdown (no restartExpectedMs) like any outage, and a restart back in time as nothing', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const terminal = setup();
    terminal.alerts.onShutdown({ reason: 'gateway stopping' });
    terminal.alerts.onStatus(status('reconnecting', Date.now()));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(terminal.queued).toHaveLength(1);
    terminal.alerts.stop();

    const planned = setup();
    planned.alerts.onShutdown({ reason: 'gateway restarting', restartExpectedMs: 1_500 });
    planned.alerts.onStatus(status('reconnecting', Date.now()));
    await vi.advanceTimersByTimeAsync(3_000);
    planned.alerts.onStatus(status('connected', Date.now()));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(planned.queued).toEqual([]);
    planned.alerts.stop();
  });
});
