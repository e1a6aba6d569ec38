import type { Job, JobState, Queue } from 'bullmq';
import { instanceFactsKey, queueClient } from '../queue/start-queue';
import { parseInstanceFacts, type InstanceFacts } from '../domain/instance-facts';
import { startSource, type StartJobData, type StartSource } from '../domain/start-job';
import { describeJob, type MeetingStatus } from './meeting-status';
import type { MeetingState } from '../domain/start-progress';

export interface MeetingPageQuery {
  state?: MeetingState;
  /** What queued the start: webhook, reconcile or manual. */
  source?: StartSource;
  /** Matched, case-insensitive, against topic, meeting id, host id and instance id. */
  text?: string;
  offset: number;
  limit: number;
}

export interface MeetingPage {
  rows: MeetingStatus[];
  /** How many instances match (all pages). */
  total: number;
  offset: number;
  limit: number;
}

const TRACKED: JobState[] = ['active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed'];
/** How many jobs of each BullMQ state are looked at (the newest ones). */
const SCAN_LIMIT = 20_000;

/**
 * One page of meeting instances, newest first. Jobs are filtered by text and sorted from their
 * data; the instance facts (which an operator's cancel or stop changes the state with) are read in
 * one pipelined round trip, only for the page shown unless a state filter needs them all.
 */
export async function listMeetingPage(
  queue: Queue<StartJobData>,
  query: MeetingPageQuery,
): Promise<MeetingPage> {
  const text = query.text?.trim().toLowerCase();
  // A job that moves on between two state reads (active, then delayed) is read twice: the later
  // read, in TRACKED's order, is its newer state.
  const byId = new Map<string, { job: Job<StartJobData>; state: JobState }>();
  for (const state of TRACKED) {
    for (const job of await queue.getJobs([state], 0, SCAN_LIMIT - 1, false)) {
      if (!job?.data || (text && !matches(job.data, text))) continue;
      if (query.source && startSource(job.data) !== query.source) continue;
      byId.set(job.id ?? '', { job, state });
    }
  }
  const found = [...byId.values()];
  found.sort((a, b) => b.job.data.receivedAt - a.job.data.receivedAt);
  if (query.state === undefined) {
    const slice = found.slice(query.offset, query.offset + query.limit);
    return { ...page(query), rows: await describe(queue, slice), total: found.length };
  }
  const all = (await describe(queue, found)).filter((s) => s.state === query.state);
  return {
    ...page(query),
    rows: all.slice(query.offset, query.offset + query.limit),
    total: all.length,
  };
}

const page = (q: MeetingPageQuery) => ({ offset: q.offset, limit: q.limit });

function matches(data: StartJobData, text: string): boolean {
  return [data.topic, data.meetingId, data.hostId, data.uuid].some((v) =>
    v?.toLowerCase().includes(text),
  );
}

async function describe(
  queue: Queue<StartJobData>,
  found: readonly { job: Job<StartJobData>; state: JobState }[],
): Promise<MeetingStatus[]> {
  const facts = await readFactsOf(
    queue,
    found.map((f) => f.job.id ?? ''),
  );
  return found.map((f, i) => describeJob(f.job, f.state, facts[i]));
}

/** The facts of many instances in one pipelined round trip. */
async function readFactsOf(queue: Queue, jobIds: readonly string[]): Promise<InstanceFacts[]> {
  if (jobIds.length === 0) return [];
  const pipeline = (await queueClient(queue)).pipeline();
  for (const id of jobIds) pipeline.hgetall(instanceFactsKey(queue, id));
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, raw]) => {
    if (err) throw err;
    return parseInstanceFacts((raw ?? {}) as Record<string, string>);
  });
}
