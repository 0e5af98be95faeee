import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';

/** Paths pino censors wherever they appear (one level of nesting plus common wrappers). */
export const REDACT_PATHS = [
  'token',
  'password',
  'signature',
  'deviceToken',
  'privateKey',
  'authorization',
  'botToken',
  'appToken',
  'signingSecret',
  '*.token',
  '*.password',
  '*.signature',
  '*.deviceToken',
  '*.privateKey',
  '*.authorization',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.*.token',
  '*.*.password',
  '*.*.deviceToken',
  '*.*.signature',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
];

/** Creates the one root logger; pass `destination` to capture output (tests). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'openclaw-slack-ops' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: stdSerializers.errWithCause },
    },
    destination,
  );
}

export type { Logger };
