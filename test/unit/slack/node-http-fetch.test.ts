import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHttpFetch } from '../../../src/slack/node-http-fetch.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server answering with `answer`; records requests and counts TCP connections. */
async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      answer(req, res);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, connections: () => connections };
}

describe('createNodeHttpFetch', () => {
  it('sends the body and headers and answers like fetch, over one kept-alive socket', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-oauth-scopes', 'chat:write,commands');
      res.end(JSON.stringify({ ok: true, ts: '1.2' }));
    });
    const slackFetch = createNodeHttpFetch();
    for (let i = 0; i < 3; i += 1) {
      const response = await slackFetch(`${server.url}/api/chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test' },
        body: `channel=C1&text=caf%C3%A9+${i}`,
        redirect: 'error',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-oauth-scopes')).toBe('chat:write,commands');
      expect(await response.json()).toEqual({ ok: true, ts: '1.2' });
    }
    expect(server.seen.map((s) => s.body)).toEqual([0, 1, 2].map((i) => `channel=C1&text=caf%C3%A9+${i}`));
    expect(server.seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/chat.postMessage',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(server.seen[0]?.headers['content-length']).toBe(String(Buffer.byteLength(server.seen[0]?.body ?? '')));
    expect(server.connections()).toBe(1);
  });

  it('gives a 429 with its Retry-After to the caller', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
    });
    const response = await createNodeHttpFetch()(`${server.url}/api/chat.postMessage`, { method: 'POST', body: 'a=1' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('ends a call at the deadline of its abort signal', async () => {
    const server = await serve(() => {
      // never answers
    });
    const call = createNodeHttpFetch()(`${server.url}/api/auth.test`, {
      method: 'POST',
      body: '',
      signal: AbortSignal.timeout(50),
    });
    await expect(call).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|AbortError/) });
  });

  it('refuses a redirect instead of following it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://example.invalid/' });
      res.end();
    });
    await expect(
      createNodeHttpFetch()(`${server.url}/api/auth.test`, { method: 'POST', body: '', redirect: 'error' }),
    ).rejects.toThrow(/redirect refused \(302/);
    expect(server.seen).toHaveLength(1);
  });

  it('hands a multipart body (a file upload) to the built-in fetch', async () => {
    const server = await serve((_req, res) => res.end('{"ok":true}'));
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'out.txt');
    const response = await createNodeHttpFetch()(`${server.url}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(server.seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.seen[0]?.body).toContain('hello');
  });
});
