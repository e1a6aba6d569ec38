import type { StartResult } from '../domain/start-progress';
import type { MeetingStatus } from './meeting-status';

/** One kept start as the overview read it: its status, when it finished, and how. */
export interface Read {
  status: MeetingStatus;
  finishedOn: number | undefined;
  result: StartResult | undefined;
}

export interface HourBucket {
  /** Start of the hour (ms). */
  at: number;
  started: number;
  failed: number;
  /** Median ms from the start being queued to Zoom accepting it, of the starts in this hour. */
  medianToStreamMs: number | undefined;
}

/** 24 buckets, the last one the current hour: starts Zoom accepted, failures, median time. */
export function hourly(read: readonly Read[], now: number): HourBucket[] {
  const first = Math.floor(now / 3_600_000) * 3_600_000 - 23 * 3_600_000;
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    at: first + i * 3_600_000,
    started: 0,
    failed: 0,
    times: [] as number[],
  }));
  const bucket = (at: number) => buckets[Math.floor((at - first) / 3_600_000)];
  for (const { status, finishedOn, result } of read) {
    if (result?.latencyMs !== undefined) {
      const b = bucket(Date.parse(status.receivedAt) + result.latencyMs);
      b?.times.push(result.latencyMs);
      if (b) b.started += 1;
    } else if (status.state === 'failed' && finishedOn !== undefined) {
      const b = bucket(finishedOn);
      if (b) b.failed += 1;
    }
  }
  return buckets.map(({ at, started, failed, times }) => ({
    at,
    started,
    failed,
    medianToStreamMs: median(times),
  }));
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
