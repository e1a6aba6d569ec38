import type { Queue } from 'bullmq';
import { describeJob, type MeetingStatus } from './meeting-status';
import type { IdRange } from './read-jobs';
import { readShardFacts, readShards, type AccountFilter, type ShardJob } from './read-shards';
import { startSource, type StartJobData, type StartSource } from '../domain/start-job';
import type { MeetingState } from '../domain/start-progress';

export interface MeetingPageQuery {
  state?: MeetingState;
  /** What queued the start: webhook, reconcile or manual. */
  source?: StartSource;
  /** Matched, case-insensitive, against topic, meeting id, host id and instance id. */
  text?: string;
  /** Only these accounts' starts; every account's when undefined. */
  accounts?: AccountFilter;
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

/** How many jobs of each BullMQ state are looked at (the newest ones), per shard. */
const SCAN_LIMIT = 20_000;
const LAST = String(SCAN_LIMIT - 1);
/** The states read, newest jobs first; a job read in two states is in the later one now. */
const TRACKED: IdRange[] = [
  { state: 'active', command: 'lrange', key: 'active', args: ['0', LAST] },
  { state: 'waiting', command: 'lrange', key: 'wait', args: ['0', LAST] },
  ...(['delayed', 'prioritized', 'failed', 'completed'] as const).map((state) => ({
    state,
    command: 'zrevrange' as const,
    key: state,
    args: ['0', LAST],
  })),
];

/**
 * One page of meeting instances of every shard (`queues`, see `StartQueues.all()`), newest first,
 * in three round trips per shard whatever the queue holds, the shards read side by side: the ids
 * of every state, the jobs' hashes (filtered by account, text and source, sorted from their data),
 * then the instance facts (which an operator's cancel or stop changes the state with), only for
 * the page shown unless a state filter needs them all.
 */
export async function listMeetingPage(
  queues: readonly Queue<StartJobData>[],
  query: MeetingPageQuery,
): Promise<MeetingPage> {
  const text = query.text?.trim().toLowerCase();
  const { found: read } = await readShards(queues, TRACKED, SCAN_LIMIT, false, query.accounts);
  const found = read.filter(
    ({ job }) =>
      (!text || matches(job.data, text)) &&
      (!query.source || startSource(job.data) === query.source),
  );
  found.sort((a, b) => b.job.data.receivedAt - a.job.data.receivedAt);
  if (query.state === undefined) {
    const slice = found.slice(query.offset, query.offset + query.limit);
    return { ...page(query), rows: await describe(slice), total: found.length };
  }
  const all = (await describe(found)).filter((s) => s.state === query.state);
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

async function describe(found: readonly ShardJob[]): Promise<MeetingStatus[]> {
  const facts = await readShardFacts(found);
  return found.map((f, i) => describeJob(f.job, f.state, facts[i]));
}
