import type { Sample } from './ledger';
import { slope } from './stats';

/** One worker process's life as the samples saw it, and how its resident memory went. */
export interface WorkerLife {
  pid: number;
  /** First and last sample of it, ms from the start of the load. */
  from: number;
  to: number;
  fromBytes: number;
  toBytes: number;
  /** Least-squares slope of its RSS over the second half of its life (once warmed up). */
  laterSlopeBytesPerMin: number | undefined;
}

/**
 * Every worker process's life, the longest first. The run's memory chart mixes processes that
 * deploys and kills replace; a leak shows in one process living long, not in their mean.
 */
export function workerLives(samples: readonly Sample[], t0: number): WorkerLife[] {
  const byPid = new Map<number, { at: number; rss: number }[]>();
  for (const s of samples)
    for (const w of s.workers) {
      const points = byPid.get(w.pid) ?? byPid.set(w.pid, []).get(w.pid)!;
      points.push({ at: s.at - t0, rss: w.rss });
    }
  return [...byPid.entries()]
    .map(([pid, points]): WorkerLife => {
      const first = points[0]!;
      const last = points.at(-1)!;
      const half = (first.at + last.at) / 2;
      return {
        pid,
        from: first.at,
        to: last.at,
        fromBytes: first.rss,
        toBytes: last.rss,
        laterSlopeBytesPerMin: slope(
          points.filter((p) => p.at >= half).map((p) => ({ x: p.at / 60_000, y: p.rss })),
        ),
      };
    })
    .sort((a, b) => b.to - b.from - (a.to - a.from));
}
