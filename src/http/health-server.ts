import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  port: number;
  /** Readiness (the bot only starts once Slack auth succeeded, so this is the gateway session); `detail` explains a "no". */
  readiness: () =>
    | { ready: boolean; detail: Record<string, unknown> }
    | Promise<{ ready: boolean; detail: Record<string, unknown> }>;
  registry: Registry;
  /** HTTP mode: Bolt's listener for everything else (`/slack/events`). */
  fallback?: http.RequestListener | undefined;
  /** Called before `/metrics` renders, to refresh gauges. */
  beforeMetrics?: () => void | Promise<void>;
}

/** One HTTP server for both modes: `/healthz`, `/readyz`, `/metrics`, and Slack's endpoint in HTTP mode. */
export class HealthServer {
  private readonly server: http.Server;

  constructor(private readonly options: HealthServerOptions) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections; idle keep-alive sockets are closed, requests in flight may finish. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      const { ready, detail } = await this.options.readiness();
      return send(res, ready ? 200 : 503, { ready, ...detail });
    }
    if (req.method === 'GET' && path === '/metrics') {
      await this.options.beforeMetrics?.();
      const body = await this.options.registry.metrics();
      res.writeHead(200, { 'content-type': this.options.registry.contentType });
      res.end(body);
      return;
    }
    if (this.options.fallback) return this.options.fallback(req, res);
    send(res, 404, { error: 'not found' });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
