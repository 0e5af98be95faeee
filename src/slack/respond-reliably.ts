import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';

/** Delivers a response_url message, retrying failures (429, 5xx, dropped connections) with backoff; never throws. */
export async function respondReliably(
  respond: RespondFn,
  message: Parameters<RespondFn>[0],
  log: Logger,
  attempts = 4,
  firstDelayMs = 500,
): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      await respond(message);
      return true;
    } catch (err) {
      if (attempt === attempts) {
        log.error({ err, attempts }, 'could not deliver a slash command answer to Slack');
        return false;
      }
      const delayMs = firstDelayMs * 2 ** (attempt - 1);
      log.warn({ err, retryInMs: delayMs }, 'Slack refused a response_url delivery; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return false;
}
