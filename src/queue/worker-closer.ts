import type { Worker } from 'bullmq';

/**
 * How to close a BullMQ worker so that nothing of it outlives the close. The polite close takes
 * no new job, waits for the jobs in flight, then closes with `force`; the cut-off closes with
 * `force` at once. BullMQ's own polite `close()` is never used: once started it cannot be forced,
 * and with Redis down it waits forever on a blocking connection stuck reconnecting, keeping the
 * lock-renewal and stall-check timers alive.
 */
export function workerCloser(worker: Worker): {
  close: () => Promise<void>;
  abort: () => Promise<void>;
} {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Counted around the processor itself: a job that ends by moving itself to delayed (a 429's
  // wait) emits neither `completed` nor `failed`.
  const held = worker as unknown as { processFn?: (...args: unknown[]) => Promise<unknown> };
  const processFn = held.processFn;
  if (processFn)
    held.processFn = async (...args) => {
      inFlight++;
      try {
        return await processFn.apply(worker, args);
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    };
  const forced = () => worker.close(true).catch(() => undefined);
  return {
    close: async () => {
      await worker.pause(true);
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await forced();
    },
    abort: forced,
  };
}
