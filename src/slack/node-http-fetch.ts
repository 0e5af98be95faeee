import http from 'node:http';
import https from 'node:https';

/**
 * A `fetch` for the Slack WebClient over `node:http(s)` with kept-alive sockets. The built-in fetch costs a card
 * post several milliseconds more than the request itself; this is the hot path from a pairing request to its card.
 * It covers what WebClient sends (POST, string bodies, redirects refused, an abort signal for the deadline); any
 * other body (a file upload's FormData) goes to the built-in fetch.
 */
export function createNodeHttpFetch(options: { maxSockets?: number } = {}): typeof fetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, scheduling: 'lifo' as const };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body;
    const agent = url.protocol === 'http:' || url.protocol === 'https:' ? agents[url.protocol] : undefined;
    if (input instanceof Request || agent === undefined || (body != null && typeof body !== 'string')) {
      return fetch(input, init);
    }
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    if (body != null) headers['content-length'] = String(Buffer.byteLength(body));
    return send(url, agent, { method: init?.method ?? 'GET', headers, body: body ?? undefined }, init?.signal);
  };
}

function send(
  url: URL,
  agent: http.Agent,
  request: { method: string; headers: Record<string, string>; body: string | undefined },
  signal: AbortSignal | null | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: request.method,
      headers: request.headers,
      agent,
      signal: signal ?? undefined,
    });
    // A call is one small write; Nagle's algorithm must not hold it back waiting for an ACK.
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
        }
        const status = res.statusCode ?? 0;
        // Like fetch with `redirect: 'error'` (all WebClient asks for): a redirect is a failure, not followed.
        if (status >= 300 && status < 400) {
          reject(new TypeError(`redirect refused (${status} to ${headers.get('location') ?? '?'})`));
          return;
        }
        const noBody = status === 204 || status === 304 || request.method === 'HEAD';
        resolve(
          new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers }),
        );
      });
    });
    req.end(request.body);
  });
}
