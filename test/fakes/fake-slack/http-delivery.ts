/** Delivers a signed, form-encoded request to an HTTP-mode app and times its ack. */
import { request } from 'node:http';
import { signSlackRequest } from './signing.js';
import type { HttpTarget, SignatureMode } from './types.js';

/** Exactly what Slack sends; Bolt's HTTPReceiver compares it byte for byte. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** How far in the past a `stale` signature's timestamp is (Bolt rejects over 5 minutes). */
export const STALE_SIGNATURE_SEC = 6 * 60;

export interface HttpPostOptions {
  readonly signingSecret: string;
  readonly nowMs: () => number;
  readonly signature: SignatureMode;
  readonly contentType: string;
  /** The request is abandoned (status 0) after this long. */
  readonly giveUpMs: number;
}

export interface HttpDeliveryResult {
  /** HTTP status, or 0 when there was no response in time or the connection failed. */
  readonly status: number;
  readonly contentType: string | undefined;
  readonly rawBody: string;
  readonly ackMs: number;
}

function signatureHeaders(body: string, opts: HttpPostOptions): Record<string, string> {
  if (opts.signature === 'missing') return {};
  const nowSec = Math.floor(opts.nowMs() / 1000);
  const ts = opts.signature === 'stale' ? nowSec - STALE_SIGNATURE_SEC : nowSec;
  const secret = opts.signature === 'wrong' ? `${opts.signingSecret}-wrong` : opts.signingSecret;
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(secret, ts, body) };
}

/** POSTs `body` to the app; resolves (never rejects) with the status, body and time to response. */
export function postToApp(target: HttpTarget, body: string, opts: HttpPostOptions): Promise<HttpDeliveryResult> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, contentType: string | undefined, rawBody: string): void => {
      clearTimeout(timer);
      resolve({ status, contentType, rawBody, ackMs: performance.now() - startedMs });
    };
    const req = request(target.url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': opts.contentType,
        'content-length': String(Buffer.byteLength(body)),
        ...signatureHeaders(body, opts),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      done(0, undefined, '');
    }, opts.giveUpMs);
    timer.unref();
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done(res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks).toString('utf8')),
      );
      res.on('error', () => done(0, undefined, ''));
    });
    req.on('error', () => done(0, undefined, ''));
    req.end(body);
  });
}
