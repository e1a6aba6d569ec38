import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/create-logger';

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
  text(): string;
}

/** A real pino logger whose lines the test can read; `traceFields` as the service is given it. */
export function captureLog(
  level = 'debug',
  traceFields?: () => Record<string, string>,
): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return {
    log: createLogger(level, stream, traceFields && { traceFields }),
    lines,
    text: () => raw.join('\n'),
  };
}
