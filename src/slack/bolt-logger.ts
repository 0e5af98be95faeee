import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Adapts a pino child to Bolt's logger interface so Bolt's own lines are redacted and structured too. Bolt, its
 * Socket Mode client and the Web API client log whole payloads at debug (slash text with params, response_url,
 * the verification token, message bodies): those lines are never forwarded, whatever LOG_LEVEL says.
 */
export function toBoltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: () => {},
    info: (...msg) => log.info(join(msg)),
    warn: (...msg) => log.warn(join(msg)),
    error: (...msg) => log.error(join(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
