/** What a command may touch of the outside world; `src/cli.ts` passes the real process. */
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves with the signal name when the process is asked to stop (SIGTERM/SIGINT). */
  stopSignal: () => Promise<string>;
  /** Calls `handler` on every SIGHUP (rules reload). */
  onReload: (handler: () => void) => void;
  /** The terminal's width when stdout is one; tables are then fitted to it (else 100 columns). */
  columns?: number;
  /** The clock relative times are told from; default `Date.now`. */
  now?: () => number;
}

/** How wide `status` lays out its list when stdout is not a terminal. */
export const DEFAULT_COLUMNS = 100;

/**
 * Exit codes scripts can rely on. `start` also ends with `failure` when SHUTDOWN_TIMEOUT_MS cut
 * something off, `redisGaveUp` when its embedded Redis could not be kept running, and 128 + the
 * signal's number (130 SIGINT, 143 SIGTERM) when a second signal ended it at once.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 4,
  redisGaveUp: 69,
  config: 78,
} as const;

/** A command failure with the exit code it should end the process with. */
export class CliError extends Error {
  override name = 'CliError' as const;
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
