import { userInfo } from 'node:os';
import type { Config } from '../config/load-config';
import { createLogger, type Logger } from '../logging/create-logger';
import type { CliIo } from './io';

/** Who runs the CLI: the OS user (recorded with every operator action). */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The log of operator actions, on stderr (stdout is the command's answer), in `LOG_FORMAT`
 * (JSON unless set to pretty), at `LOG_LEVEL`.
 */
export function operatorLog(io: CliIo, config: Config): Logger {
  return createLogger(
    config.logLevel,
    { write: (line: string) => io.err(line) },
    { format: config.logFormat ?? 'json' },
  ).child({ component: 'cli' });
}
