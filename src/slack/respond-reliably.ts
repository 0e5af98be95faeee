import type { Logger } from 'pino';

/** What a response_url accepts (the subset we send). */
export type ResponseMessage = Record<string, unknown> & { text: string };

export interface DeliveryOptions {
  attempts?: number;
  firstDelayMs?: number;
  /** Injected for tests; defaults to global fetch. */
  fetchFn?: typeof fetch;
}

const GIVE_UP_STATUSES = new Set([400, 403, 404, 410]);

/**
 * POSTs a message to a response_url, retrying 429 (after Retry-After), 5xx and dropped connections with
 * backoff. A used-up or expired URL (404/410) or a refused message (400) is not retried. Never throws.
 */
export async function respondReliably(
  responseUrl: string | undefined,
  message: ResponseMessage,
  log: Logger,
  options: DeliveryOptions = {},
): Promise<boolean> {
  if (!responseUrl) {
    log.warn('no response_url to answer on');
    return false;
  }
  const attempts = options.attempts ?? 5;
  const fetchFn = options.fetchFn ?? fetch;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    let waitMs = (options.firstDelayMs ?? 500) * 2 ** (attempt - 1);
    try {
      const res = await fetchFn(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      if (GIVE_UP_STATUSES.has(res.status)) {
        log.error(
          { status: res.status },
          'Slack refused a response_url delivery (used up, expired or invalid); not retrying',
        );
        return false;
      }
      const retryAfterSec = Number(res.headers.get('retry-after'));
      if (res.status === 429 && retryAfterSec > 0) waitMs = retryAfterSec * 1000;
      log.warn({ status: res.status, retryInMs: waitMs }, 'response_url delivery failed; retrying');
    } catch (err) {
      log.warn({ err, retryInMs: waitMs }, 'response_url delivery failed; retrying');
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  log.error({ attempts }, 'could not deliver a slash command answer to Slack');
  return false;
}
