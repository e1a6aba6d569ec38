import { Job, type JobJson, type JobState, type Queue } from 'bullmq';
import type { StartResult, MeetingState } from '../domain/start-progress';
import { instanceFactsKey, queueClient } from '../queue/start-queue';
import { parseInstanceFacts } from '../domain/instance-facts';
import type { StartJobData, StartSource } from '../domain/start-job';
import { describeJob, type MeetingStatus } from './meeting-status';
import { hourly, type HourBucket, type Read } from './hourly';

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
  /** Every job kept in Redis (all ages), from BullMQ's counts. */
  kept: number;
}

const IN_PLAY: [JobState, string, 'list' | 'zset'][] = [
  ['active', 'active', 'list'],
  ['waiting', 'wait', 'list'],
  ['prioritized', 'prioritized', 'zset'],
  ['delayed', 'delayed', 'zset'],
];
const FINISHED: JobState[] = ['completed', 'failed'];

/**
 * The console's overview in three round trips whatever the history holds: BullMQ's job counts,
 * the ids (in play, and finished in the last 24 h, {@link OVERVIEW_CAP} of each at most), then
 * every job's hash and instance facts in one pipeline.
 */
export async function readOverview(
  queue: Queue<StartJobData>,
  now: number,
  attentionAfterMs: number,
): Promise<Overview> {
  const counts = await queue.getJobCounts(...IN_PLAY.map(([s]) => s), ...FINISHED);
  const kept = Object.values(counts).reduce((a, b) => a + b, 0);
  const client = await queueClient(queue);
  const ids = client.pipeline();
  for (const [, key, type] of IN_PLAY)
    if (type === 'list') ids.lrange(queue.toKey(key), 0, OVERVIEW_CAP - 1);
    else ids.zrange(queue.toKey(key), 0, OVERVIEW_CAP - 1);
  for (const state of FINISHED)
    ids.runCommand('zrevrangebyscore', [
      queue.toKey(state),
      '+inf',
      String(now - OVERVIEW_WINDOW_MS),
      'LIMIT',
      '0',
      String(OVERVIEW_CAP),
    ]);
  const states = [...IN_PLAY.map(([s]) => s), ...FINISHED];
  // An id read in two states moved between them: the later one in this order is its newer state.
  const found = new Map<string, JobState>();
  let capped = false;
  for (const [i, [err, list]] of ((await ids.exec()) ?? []).entries()) {
    if (err) throw err;
    const got = list as string[];
    capped ||= got.length >= OVERVIEW_CAP;
    for (const id of got) found.set(id, states[i]!);
  }
  const statuses = await readStatuses(
    queue,
    [...found].map(([id, state]) => ({ id, state })),
  );
  return summarise(statuses, now, attentionAfterMs, { capped, kept });
}

/** Each job's hash and its instance facts, in one pipelined round trip. */
async function readStatuses(
  queue: Queue<StartJobData>,
  found: readonly { id: string; state: JobState }[],
): Promise<Read[]> {
  if (found.length === 0) return [];
  const pipeline = (await queueClient(queue)).pipeline();
  for (const { id } of found) {
    pipeline.hgetall(queue.toKey(id));
    pipeline.hgetall(instanceFactsKey(queue, id));
  }
  const results = ((await pipeline.exec()) ?? []).map(([err, value]) => {
    if (err) throw err;
    return (value ?? {}) as Record<string, string>;
  });
  const read: Read[] = [];
  found.forEach(({ id, state }, i) => {
    const hash = results[2 * i]!;
    const facts = results[2 * i + 1]!;
    if (hash.data === undefined) return; // removed between the two reads
    const job = Job.fromJSON<StartJobData>(queue, decode(hash, id), id);
    read.push({
      status: describeJob(job, state, parseInstanceFacts(facts)),
      finishedOn: job.finishedOn,
      result: (job.returnvalue ?? undefined) as StartResult | undefined,
    });
  });
  return read;
}

/** The fields of a raw job hash that a status needs, as BullMQ's `Job.fromJSON` takes them. */
function decode(raw: Record<string, string>, id: string): JobJson {
  const int = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 10));
  return {
    id,
    name: raw.name ?? '',
    data: raw.data ?? '{}',
    opts: {},
    progress: JSON.parse(raw.progress ?? '0') as JobJson['progress'],
    delay: int(raw.delay) ?? 0,
    timestamp: int(raw.timestamp) ?? 0,
    attemptsMade: int(raw.atm ?? raw.attemptsMade) ?? 0,
    attemptsStarted: int(raw.ats) ?? 0,
    stalledCounter: int(raw.stc) ?? 0,
    ...(raw.finishedOn !== undefined && { finishedOn: int(raw.finishedOn)! }),
    ...(raw.processedOn !== undefined && { processedOn: int(raw.processedOn)! }),
    failedReason: raw.failedReason ?? '',
    stacktrace: raw.stacktrace ?? '[]',
    returnvalue: raw.returnvalue ?? 'null',
  };
}

function summarise(
  read: readonly Read[],
  now: number,
  attentionAfterMs: number,
  extra: { capped: boolean; kept: number },
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
