import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

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

export type LogFormat = 'pretty' | 'json';

/** `LOG_FORMAT` when set; otherwise pretty for a person at a terminal, JSON for a collector. */
export const resolveLogFormat = (format: LogFormat | undefined, isTty: boolean): LogFormat =>
  format ?? (isTty ? 'pretty' : 'json');

export interface LoggerOptions {
  /** Default `json`. */
  format?: LogFormat;
  /** Colours in pretty output (a terminal). */
  colorize?: boolean;
  /** Fields added to every line, e.g. the active span's `trace_id` and `span_id`. */
  traceFields?: () => Record<string, string>;
}

/**
 * JSON lines to stdout (or `destination`, which tests use to capture lines), written
 * synchronously; or the same lines made readable by pino-pretty, then cleaned of any control
 * character a value could carry (pino-pretty prints C1 and bidirectional controls raw).
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const target =
    options.format === 'pretty'
      ? prettyStream(destination ?? pino.destination({ fd: 1, sync: true }), !!options.colorize)
      : destination;
  return pino(
    {
      name: 'zoom-livestream-worker',
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(options.traceFields && { mixin: options.traceFields }),
    },
    target,
  );
}

// Colour codes (SGR) are the only escape sequences let through, and only when colouring.
// eslint-disable-next-line no-control-regex
const UNSAFE = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Exported for tests: what pretty output may not contain. */
export function terminalSafe(text: string, colorize: boolean): string {
  return text.replace(UNSAFE, (m) => (colorize && m.length > 1 ? m : ''));
}

function prettyStream(out: DestinationStream, colorize: boolean): DestinationStream {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o',
    ignore: 'pid,hostname,name',
    singleLine: false,
  });
  return { write: (line: string) => out.write(terminalSafe(pretty(line), colorize)) };
}
