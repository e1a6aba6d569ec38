import type { JobState, Queue } from 'bullmq';
import { describeJob, type MeetingStatus } from './meeting-status';
import { hourly, type HourBucket, type Read } from './hourly';
import type { IdRange } from './read-jobs';
import { readShards, type AccountFilter } from './read-shards';
import type { StartResult, MeetingState } from '../domain/start-progress';
import type { StartJobData, StartSource } from '../domain/start-job';

export const OVERVIEW_WINDOW_MS = 24 * 3_600_000;
/** Jobs read per BullMQ state: the newest of each (finished ones only from the last 24 h). */
export const OVERVIEW_CAP = 1000;
const ATTENTION_ROWS = 10;

export interface Attention {
  status: MeetingStatus;
  why: 'credentials' | 'failed' | 'waiting long';
}

export interface Overview {
  /** Meeting instances in play now or finished in the last 24 h, by state and by source. */
  byState: Partial<Record<MeetingState, number>>;
  bySource: Partial<Record<StartSource, number>>;
  /** What needs a person now: credentials rejected, failed, waiting long; worst first. */
  attention: Attention[];
  attentionTotal: number;
  hours: HourBucket[];
  /** Some state held more than {@link OVERVIEW_CAP} jobs: the counts are lower bounds. */
  capped: boolean;
  /**
   * Every job kept in Redis (all ages, every shard), from BullMQ's counts; undefined when the
   * overview is of some accounts only (BullMQ counts a queue, not an account).
   */
  kept: number | undefined;
}

const IN_PLAY: [JobState, string, IdRange['command']][] = [
  ['active', 'active', 'lrange'],
  ['waiting', 'wait', 'lrange'],
  ['prioritized', 'prioritized', 'zrange'],
  ['delayed', 'delayed', 'zrange'],
];
const FINISHED: JobState[] = ['completed', 'failed'];

/**
 * The console's overview of every shard (`queues`, see `StartQueues.all()`), or of the `accounts`
 * given, in three round trips per shard whatever the history holds, the shards read side by side:
 * BullMQ's job counts (not needed for some accounts only), the ids (in play, and finished in the
 * last 24 h, {@link OVERVIEW_CAP} of each per shard at most), then every job's hash and instance
 * facts in one pipeline.
 */
export async function readOverview(
  queues: readonly Queue<StartJobData>[],
  now: number,
  attentionAfterMs: number,
  accounts?: AccountFilter,
): Promise<Overview> {
  const kept =
    accounts === undefined
      ? (
          await Promise.all(
            queues.map((q) => q.getJobCounts(...IN_PLAY.map(([s]) => s), ...FINISHED)),
          )
        )
          .flatMap((counts) => Object.values(counts))
          .reduce((a, b) => a + b, 0)
      : undefined;
  const last = String(OVERVIEW_CAP - 1);
  const ranges: IdRange[] = [
    ...IN_PLAY.map(([state, key, command]) => ({ state, key, command, args: ['0', last] })),
    ...FINISHED.map((state) => ({
      state,
      key: state,
      command: 'zrevrangebyscore' as const,
      args: ['+inf', String(now - OVERVIEW_WINDOW_MS), 'LIMIT', '0', String(OVERVIEW_CAP)],
    })),
  ];
  const { found, capped } = await readShards(queues, ranges, OVERVIEW_CAP, true, accounts);
  const read: Read[] = found.map(({ job, state, facts }) => ({
    status: describeJob(job, state, facts),
    finishedOn: job.finishedOn,
    result: (job.returnvalue ?? undefined) as StartResult | undefined,
  }));
  return summarise(read, now, attentionAfterMs, { capped, kept });
}

function summarise(
  read: readonly Read[],
  now: number,
  attentionAfterMs: number,
  extra: { capped: boolean; kept: number | undefined },
): Overview {
  const byState: Partial<Record<MeetingState, number>> = {};
  const bySource: Partial<Record<StartSource, number>> = {};
  const attention: Attention[] = [];
  for (const { status } of read) {
    byState[status.state] = (byState[status.state] ?? 0) + 1;
    bySource[status.source] = (bySource[status.source] ?? 0) + 1;
    const why = attentionWhy(status, now, attentionAfterMs);
    if (why) attention.push({ status, why });
  }
  const rank = { credentials: 0, failed: 1, 'waiting long': 2 };
  attention.sort(
    (a, b) => rank[a.why] - rank[b.why] || b.status.receivedAt.localeCompare(a.status.receivedAt),
  );
  return {
    byState,
    bySource,
    attention: attention.slice(0, ATTENTION_ROWS),
    attentionTotal: attention.length,
    hours: hourly(read, now),
    ...extra,
  };
}

function attentionWhy(s: MeetingStatus, now: number, afterMs: number): Attention['why'] | null {
  // Rejected credentials make a start wait (oauth_rejected) until its deadline; older releases failed it.
  const inPlay = s.state === 'waiting' || s.state === 'starting';
  if (inPlay && s.reason === 'oauth_rejected') return 'credentials';
  if (s.state === 'failed')
    return s.reason?.startsWith('Zoom OAuth rejected') ? 'credentials' : 'failed';
  if (s.state === 'waiting' && now - Date.parse(s.receivedAt) > afterMs) return 'waiting long';
  return null;
}
