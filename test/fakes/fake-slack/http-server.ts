/** The fake's loopback HTTP server: `/api/<method>`, `/response/<id>`, `/upload/<file>`, and the Socket Mode upgrade. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaultInjector } from './faults.js';
import { extractUploadedBytes, type FileUploads } from './files.js';
import { readBody } from './request-body.js';
import type { ResponseUrls } from './response-urls.js';
import type { SocketModeServer } from './socket-mode.js';
import type { SlackStore } from './store.js';
import { sendJson, type WebApi } from './web-api.js';

export interface HttpServerDeps {
  readonly store: SlackStore;
  readonly faults: FaultInjector;
  readonly webApi: WebApi;
  readonly responseUrls: ResponseUrls;
  readonly files: FileUploads;
  readonly socket: SocketModeServer;
}

/** Creates (does not start) the server. */
export function createFakeSlackServer(deps: HttpServerDeps): Server {
  const server = createServer((req, res) => void route(deps, req, res));
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => deps.socket.handleUpgrade(req, socket, head));
  return server;
}

async function route(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, kind, rest] = url.pathname.split('/');
  try {
    if (kind === 'api' && rest) return await deps.webApi.handle(req, res, rest, url.searchParams);
    if (kind === 'response' && rest && req.method === 'POST') return await serveResponseUrl(deps, req, res, rest);
    if (kind === 'upload' && rest && req.method === 'POST') {
      const bytes = extractUploadedBytes(req.headers['content-type'], await readBody(req));
      const status = deps.files.receiveBytes(rest, bytes);
      res.writeHead(status).end(status === 200 ? 'OK' : '');
      return;
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  } catch (err) {
    deps.store.warn('fake-slack', `internal error: ${String(err)}`);
    if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_internal_error' });
  }
}

/** A response_url POST: fault injection first, then the 5-uses / 30-minutes rules in ResponseUrls. */
async function serveResponseUrl(
  deps: HttpServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  const raw = (await readBody(req)).toString('utf8');
  const fault = deps.faults.take('response_url');
  if (fault?.kind === 'drop') {
    deps.faults.count('response_url', 'drop');
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'fail') {
    deps.faults.count('response_url', `status:${fault.spec.status}`);
    const headers: Record<string, string> =
      fault.spec.status === 429 ? { 'retry-after': String(fault.spec.retryAfterSec ?? 1) } : {};
    return sendJson(res, fault.spec.status, { ok: false, error: 'ratelimited' }, headers);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = undefined;
  }
  const outcome = deps.responseUrls.post(id, body);
  sendJson(res, outcome.status, outcome.body);
}
