import type { Logger } from '../logging/create-logger';
import { withDeadline } from '../redis/connections';

/** One part of the service to close at shutdown. */
export interface Closer {
  /** What it is, for the line that says what was abandoned. */
  name: string;
  /** The polite close: finish what is under way, then release. */
  close: () => Promise<unknown>;
  /**
   * Cuts it off when the polite close ran out of time (disconnect instead of quit). Waited for
   * (within the margin) only when it returns a promise: the embedded Redis' stop.
   */
  abort?: () => unknown;
}

/**
 * Disconnects a BullMQ queue or worker without waiting: with Redis down, its disconnect waits for
 * connections that are reconnecting, which never end.
 */
export const disconnectNow = (part: { disconnect(): Promise<void> }) => (): void =>
  void part.disconnect().catch(() => undefined);

export interface ShutdownResult {
  /** False when the timeout cut something off. */
  clean: boolean;
  /** Names of the parts cut off. */
  abandoned: string[];
}

/** How long the cut-off may take once the timeout has run out (documented in docs/operations.md). */
export const SHUTDOWN_MARGIN_MS = 2000;

/**
 * Closes the parts in reverse order of registration, each after the last, within `timeoutMs` in
 * all. What is still open then is cut off (every abort runs, bounded by the margin) and named in
 * one log line, so the whole close ends within `timeoutMs + SHUTDOWN_MARGIN_MS` whatever Redis or
 * Zoom are doing.
 */
export async function closeWithin(
  closers: Closer[],
  timeoutMs: number,
  log: Logger,
): Promise<ShutdownResult> {
  const pending = closers.splice(0).reverse();
  const finished = new Set<Closer>();
  const sequence = (async () => {
    for (const closer of pending) {
      await closer
        .close()
        .catch((err: Error) => log.warn({ err: { message: err.message } }, 'error while closing'));
      finished.add(closer);
    }
  })();
  // The sequence never rejects (each closer's error is logged): only the deadline ends it early.
  const finishedInTime = await withDeadline(sequence, timeoutMs).then(
    () => true,
    () => false,
  );
  if (finishedInTime) return { clean: true, abandoned: [] };

  const open = pending.filter((c) => !finished.has(c));
  const abandoned = open.map((c) => c.name);
  log.warn(
    { timeoutMs, abandoned },
    `shutdown did not finish within SHUTDOWN_TIMEOUT_MS; cut off: ${abandoned.join(', ')}`,
  );
  const aborts = Promise.allSettled(open.map((c) => Promise.resolve().then(() => c.abort?.())));
  await withDeadline(aborts, SHUTDOWN_MARGIN_MS - 200).catch(() => undefined);
  return { clean: false, abandoned };
}
