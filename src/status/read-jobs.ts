import { Job, type JobJson, type JobState, type Queue } from 'bullmq';
import { instanceFactsKey, queueClient } from '../queue/start-queue';
import { parseInstanceFacts, type InstanceFacts } from '../domain/instance-facts';
import type { StartJobData } from '../domain/start-job';

/** A job id and the BullMQ state it was read in. */
export interface FoundJob {
  id: string;
  state: JobState;
}

/** How to read the ids of one state: its key, and the range command's arguments after the key. */
export interface IdRange {
  state: JobState;
  /** The command: LRANGE for lists, ZREVRANGE / ZREVRANGEBYSCORE for sorted sets. */
  command: 'lrange' | 'zrange' | 'zrevrange' | 'zrevrangebyscore';
  key: string;
  args: string[];
}

/**
 * The ids of every range, in one pipelined round trip. An id read in two states moved between
 * them: the later range in `ranges` is its newer state. `capped` says some range came back full.
 */
export async function readJobIds(
  queue: Queue,
  ranges: readonly IdRange[],
  cap: number,
): Promise<{ found: FoundJob[]; capped: boolean }> {
  // BullMQ's client type declares only the pipeline commands BullMQ itself uses.
  const pipeline = (await queueClient(queue)).pipeline() as unknown as Record<
    IdRange['command'],
    (key: string, ...args: string[]) => unknown
  > & { exec(): Promise<[Error | null, unknown][] | null> };
  for (const r of ranges) pipeline[r.command](queue.toKey(r.key), ...r.args);
  const found = new Map<string, JobState>();
  let capped = false;
  for (const [i, [err, list]] of ((await pipeline.exec()) ?? []).entries()) {
    if (err) throw err;
    const ids = list as string[];
    capped ||= ids.length >= cap;
    for (const id of ids) found.set(id, ranges[i]!.state);
  }
  return { found: [...found].map(([id, state]) => ({ id, state })), capped };
}

/**
 * Each job's hash, and with `withFacts` its instance facts, in one pipelined round trip. A job
 * removed since its id was read is left out.
 */
export async function readJobs(
  queue: Queue<StartJobData>,
  found: readonly FoundJob[],
  withFacts: boolean,
): Promise<{ job: Job<StartJobData>; state: JobState; facts: InstanceFacts | undefined }[]> {
  if (found.length === 0) return [];
  const pipeline = (await queueClient(queue)).pipeline();
  for (const { id } of found) {
    pipeline.hgetall(queue.toKey(id));
    if (withFacts) pipeline.hgetall(instanceFactsKey(queue, id));
  }
  const results = hashes(await pipeline.exec());
  const step = withFacts ? 2 : 1;
  return found.flatMap(({ id, state }, i) => {
    const hash = results[step * i]!;
    if (hash.data === undefined) return []; // removed between the two reads
    const job = Job.fromJSON<StartJobData>(queue, decode(hash, id), id);
    const facts = withFacts ? parseInstanceFacts(results[step * i + 1]!) : undefined;
    return [{ job, state, facts }];
  });
}

/** The facts of many instances in one pipelined round trip. */
export async function readFactsOf(
  queue: Queue,
  jobIds: readonly string[],
): Promise<InstanceFacts[]> {
  if (jobIds.length === 0) return [];
  const pipeline = (await queueClient(queue)).pipeline();
  for (const id of jobIds) pipeline.hgetall(instanceFactsKey(queue, id));
  return hashes(await pipeline.exec()).map(parseInstanceFacts);
}

function hashes(results: [Error | null, unknown][] | null): Record<string, string>[] {
  return (results ?? []).map(([err, value]) => {
    if (err) throw err;
    return (value ?? {}) as Record<string, string>;
  });
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
