import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line, wherever they appear in the logged object. */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'x-zm-signature',
  '*["x-zm-signature"]',
  'access_token',
  '*.access_token',
  'client_secret',
  '*.client_secret',
  'stream_key',
  '*.stream_key',
  '*.*.stream_key',
  'token',
  '*.token',
];

/** JSON logs to stdout (or `destination`, which tests use to capture lines). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'zoom-livestream-worker',
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
