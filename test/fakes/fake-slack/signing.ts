/** Slack's v0 request signature (reference §5): HMAC-SHA256 over `v0:<ts>:<raw body>`. */
import { createHmac } from 'node:crypto';

/** `v0=<hex>` for a timestamp (Unix seconds) and raw body. */
export function signSlackRequest(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}
