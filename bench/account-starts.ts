import { startJobId, type StartJobData } from '../src/domain/start-job';
import { START_JOB, START_JOB_OPTIONS } from '../src/queue/start-queue';

/**
 * `count` start jobs of `account` (meeting ids from `firstId`), ready for `Queue.addBulk` on the
 * account's shard queue: what a backlog of due starts looks like to a worker.
 */
export function accountStarts(account: string, count: number, firstId: number, tag: string) {
  return Array.from({ length: count }, (_, i) => {
    const uuid = `${tag}-${account}-${i}`;
    const data: StartJobData = {
      kind: 'meeting',
      meetingId: String(firstId + i),
      uuid,
      receivedAt: Date.now(),
      source: 'cli',
      account,
    };
    return {
      name: START_JOB,
      data,
      opts: { ...START_JOB_OPTIONS, jobId: startJobId('meeting', uuid, account) },
    };
  });
}
