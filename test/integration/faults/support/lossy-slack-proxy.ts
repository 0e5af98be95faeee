/**
 * A loopback HTTP proxy in front of the fake Slack's Web API that can lose the *answer* of a call after
 * Slack has acted on it (the request reached Slack, the response never came back). FakeSlack.dropNext
 * drops the connection before Slack acts, so it cannot show this case.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class LossySlackProxy {
  private readonly server: http.Server;
  private readonly losses = new Map<string, number>();
  private port = 0;
  /** Methods whose answers were lost, in order. */
  readonly lost: string[] = [];

  constructor(private readonly upstreamBaseUrl: string) {
    this.server = http.createServer((req, res) => void this.forward(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What to give the bot as SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** The next `times` calls of `method` are forwarded to Slack, then the connection to the bot is dropped. */
  loseAnswerOfNext(method: string, times = 1): void {
    this.losses.set(method, (this.losses.get(method) ?? 0) + times);
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = (req.url ?? '').split('?')[0]?.replace(/^\/api\//, '') ?? '';
    const headers = { ...req.headers };
    delete headers.host;
    const upstream = http.request(new URL(req.url ?? '/', this.upstreamBaseUrl), {
      method: req.method,
      headers,
      agent: false,
    });
    upstream.on('error', () => req.socket.destroy());
    upstream.on('response', (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('end', () => {
        const left = this.losses.get(method) ?? 0;
        if (left > 0) {
          this.losses.set(method, left - 1);
          this.lost.push(method);
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(parts));
      });
    });
    upstream.end(body);
  }
}
