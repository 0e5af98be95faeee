import net from 'node:net';

/** Resolves true when something accepts TCP connections at the gateway URL's host and port. */
export type ReachabilityProbe = (url: string) => Promise<boolean>;

/** Default probe: a bare TCP connect with a short deadline (no WebSocket handshake, nothing logged by the gateway). */
export const probeTcp: ReachabilityProbe = (url) =>
  new Promise((resolve) => {
    const { hostname, port, protocol } = new URL(url);
    const socket = net.connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port) || (protocol === 'wss:' ? 443 : 80),
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

const PROBE_INTERVAL_MS = 1_500;

/** Waits out a backoff delay; while waiting after a lost connection it probes cheaply and retries as soon as the gateway is back. */
export class ReconnectScheduler {
  private timer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly probe: ReachabilityProbe = probeTcp,
  ) {}

  /** Runs `reconnect` after `delayMs`, or earlier when `probeEarly` and the gateway answers TCP again. */
  schedule(delayMs: number, probeEarly: boolean, reconnect: () => void): void {
    this.cancel();
    const fire = () => {
      this.cancel();
      reconnect();
    };
    this.timer = setTimeout(fire, delayMs);
    this.timer.unref();
    if (!probeEarly || delayMs <= PROBE_INTERVAL_MS) return;
    this.probeTimer = setInterval(() => {
      this.probe(this.url).then(
        (up) => {
          if (up && this.timer) fire();
        },
        () => {}, // a failed probe is a "not yet"
      );
    }, PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    clearInterval(this.probeTimer);
    this.timer = undefined;
    this.probeTimer = undefined;
  }
}
