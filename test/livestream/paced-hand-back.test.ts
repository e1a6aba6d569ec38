import { DelayedError, type Job } from 'bullmq';
import { createStartProcessor } from '../../src/livestream/start-processor';
import { readProgress, type SlotReservation } from '../../src/domain/start-progress';
import { DEFAULT_RULES } from '../../src/policy/rules';
import type { StartJobData } from '../../src/domain/start-job';
import { PacerBusyError, type Grant } from '../../src/zoom/pacer';
import type { ZoomClient } from '../../src/zoom/zoom-client';
import { captureLog } from '../support/log-capture';

// A backlogged account's job: the pacer reserved its slot seconds ahead, so the job waits for it
// in BullMQ's delayed set (no worker slot held, no attempt counted) and uses it on return.

const NOW = 1_800_000_002_000;
const DATA: StartJobData = {
  kind: 'meeting',
  meetingId: '85012345678',
  uuid: 'u-1',
  receivedAt: NOW - 2000,
  source: 'webhook',
  account: 'campus',
};

function fakeJob() {
  const job = {
    id: 'campus.meeting-u-1',
    data: DATA,
    progress: 0 as unknown,
    delayedTo: [] as number[],
    lines: [] as string[],
    updateProgress: async (p: unknown) => void (job.progress = p),
    log: async (line: string) => job.lines.push(line),
    moveToDelayed: async (at: number) => void job.delayedTo.push(at),
    promote: async () => undefined,
  };
  return job;
}

function world(slots: ((reserved?: SlotReservation) => Promise<Grant>)[]) {
  const presented: (SlotReservation | undefined)[] = [];
  let calls = 0;
  const reserveAhead: (boolean | undefined)[] = [];
  const zoom = {
    startLivestream: async (
      _k: unknown,
      _m: unknown,
      _s: unknown,
      options?: { slot?: Promise<Grant>; reserveAhead?: boolean },
    ) => {
      await options?.slot;
      reserveAhead.push(options?.reserveAhead);
      calls++;
      return { status: 204, trackingId: undefined };
    },
  } as unknown as ZoomClient;
  const logs = captureLog();
  const process = createStartProcessor({
    zoom,
    facts: async () => ({}),
    rules: () => DEFAULT_RULES,
    policy: {
      retryDelayMs: 30_000,
      giveUpAfterMs: 3_600_000,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      confirmTimeoutMs: 0,
      unavailableAlertAfterMs: 0,
    },
    settings: {},
    reserveSlot: (reserved) => (presented.push(reserved), slots.shift()!(reserved)),
    log: logs.log,
    now: () => NOW,
    random: () => 0.5,
  });
  const run = (job: ReturnType<typeof fakeJob>) =>
    process(job as unknown as Job<StartJobData>, 'lock');
  return { run, presented, calls: () => calls, logs, reserveAhead };
}

const SLOT: SlotReservation = { at: 1_800_000_006_500, epoch: 4 };

it('hands a backlogged job back until just before its reserved slot, keeps the slot, and uses it on return', async () => {
  const w = world([
    () => Promise.reject(new PacerBusyError(4500, SLOT, 250)),
    async () => ({ fresh: () => true }),
  ]);
  const job = fakeJob();
  await expect(w.run(job)).rejects.toBeInstanceOf(DelayedError);
  expect(w.calls()).toBe(0);
  // Back 250 ms (the inline wait) before the slot, without the jitter of an unreserved hand-back.
  expect(job.delayedTo).toEqual([NOW + 4250]);
  expect(readProgress(job.progress)).toMatchObject({
    state: 'waiting',
    reason: 'paced',
    attempts: 0,
    nextAttemptAt: NOW + 4250,
    reservedSlot: SLOT,
  });
  expect(w.logs.lines.at(-1)).toMatchObject({ msg: 'livestream start paced', slotInMs: 4500 });

  const result = await w.run(job);
  expect(result).toMatchObject({ state: 'started', attempts: 1 });
  expect(w.presented).toEqual([undefined, SLOT]);
  expect(w.calls()).toBe(1);
  expect(w.reserveAhead).toEqual([true]); // a slot gone stale is replaced by one reserved ahead
  expect(readProgress(job.progress).reservedSlot).toBeUndefined(); // used once, then forgotten
});

it('keeps a new slot when the reserved one was void (an account pause came), and comes back for that one', async () => {
  const later: SlotReservation = { at: 1_800_000_009_000, epoch: 5 };
  const w = world([
    () => Promise.reject(new PacerBusyError(4500, SLOT, 250)),
    () => Promise.reject(new PacerBusyError(7000, later, 250)),
  ]);
  const job = fakeJob();
  await expect(w.run(job)).rejects.toBeInstanceOf(DelayedError);
  await expect(w.run(job)).rejects.toBeInstanceOf(DelayedError);
  expect(w.presented).toEqual([undefined, SLOT]);
  expect(job.delayedTo).toEqual([NOW + 4250, NOW + 6750]);
  expect(readProgress(job.progress).reservedSlot).toEqual(later);
  expect(w.calls()).toBe(0);
});
