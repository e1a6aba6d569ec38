import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { createStartProcessor, type StartPolicy } from '../../src/livestream/start-processor';
import { readProgress } from '../../src/domain/start-progress';
import { DEFAULT_RULES } from '../../src/policy/rules';
import type { InstanceFacts } from '../../src/domain/instance-facts';
import type { StartJobData } from '../../src/domain/start-job';
import { ZoomApiError } from '../../src/zoom/errors';
import { PacerBusyError, type Grant } from '../../src/zoom/pacer';
import type { CallOptions, ZoomClient } from '../../src/zoom/zoom-client';
import { captureLog } from '../support/log-capture';

// The start processor on its own: a fake clock, a fake job (what BullMQ would store), a scripted
// Zoom and scripted instance facts. Each run makes at most one call and hands back one decision.

const RECEIVED = 1_800_000_000_000;
const POLICY: StartPolicy = {
  retryDelayMs: 30_000,
  giveUpAfterMs: 3_600_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  confirmTimeoutMs: 0,
  unavailableAlertAfterMs: 0,
};
const DATA: StartJobData = {
  kind: 'meeting',
  meetingId: '85012345678',
  uuid: 'u-1',
  receivedAt: RECEIVED,
  source: 'webhook',
};

function fakeJob(progress: unknown = 0) {
  const job = {
    id: 'meeting:u-1',
    data: DATA,
    progress,
    attemptsMade: 0,
    delayedTo: [] as number[],
    lines: [] as string[],
    promoted: 0,
    updateProgress: async (p: unknown) => void (job.progress = p),
    log: async (line: string) => job.lines.push(line),
    moveToDelayed: async (at: number) => void job.delayedTo.push(at),
    promote: async () => void job.promoted++,
  };
  return job;
}

type Answer = 'ok' | ZoomApiError;
const tooMany = (rateLimitType?: string) =>
  new ZoomApiError({
    endpoint: 'livestream.status',
    status: 429,
    zoomCode: 429,
    zoomMessage: 'Too many requests',
    trackingId: 'trk-1',
    retryAfterMs: undefined,
    rateLimitType,
  });

function world(opts: { answers?: Answer[]; facts?: InstanceFacts; slot?: () => Promise<Grant> }) {
  let clock = RECEIVED + 2000;
  const calls: { meetingId: string; settings: object }[] = [];
  const pauses: number[] = [];
  let slots = 0;
  const answers = [...(opts.answers ?? [])];
  const zoom: ZoomClient = {
    startLivestream: async (_kind, meetingId, settings, options?: CallOptions) => {
      await options?.slot;
      await options?.beforeSend?.();
      calls.push({ meetingId, settings });
      const answer = answers.shift() ?? 'ok';
      if (answer !== 'ok') throw answer;
      return { status: 204 } as Awaited<ReturnType<ZoomClient['startLivestream']>>;
    },
    stopLivestream: async () => {
      throw new Error('not used');
    },
    setStreamTarget: async () => {
      throw new Error('not used');
    },
  };
  const logs = captureLog();
  const process = createStartProcessor({
    zoom,
    facts: async () => opts.facts ?? {},
    rules: () => DEFAULT_RULES,
    policy: POLICY,
    settings: { display_name: 'Sunday' },
    reserveSlot: () => (slots++, opts.slot ? opts.slot() : Promise.resolve({ fresh: () => true })),
    pauseZoomCalls: async (ms) => void pauses.push(ms),
    log: logs.log,
    now: () => clock,
    random: () => 0.5,
  });
  return {
    run: (job: ReturnType<typeof fakeJob>) =>
      process(job as unknown as Job<StartJobData>, 'lock-token'),
    calls,
    pauses,
    slots: () => slots,
    logs,
    pass: (ms: number) => (clock += ms),
    now: () => clock,
  };
}

it('starts on a 204: one paced call with the settings, the latency from the webhook, the progress saved', async () => {
  const w = world({});
  const job = fakeJob();
  const result = await w.run(job);
  expect(result).toEqual({ state: 'started', attempts: 1, latencyMs: 2000 });
  expect(w.calls).toEqual([{ meetingId: '85012345678', settings: { display_name: 'Sunday' } }]);
  expect(w.slots()).toBe(1);
  await new Promise(setImmediate); // the started progress is written without being awaited
  expect(readProgress(job.progress)).toMatchObject({ state: 'started', attempts: 1 });
  expect(job.lines).toHaveLength(1);
});

it('hands a livestream 429 to BullMQ as a delayed job due after the retry delay, not as a failure', async () => {
  const w = world({ answers: [tooMany()] });
  const job = fakeJob();
  const error = await w.run(job).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DelayedError);
  expect(job.delayedTo).toEqual([w.now() + 30_000]);
  expect(readProgress(job.progress)).toMatchObject({
    state: 'waiting',
    reason: 'livestream_rate_limited',
    attempts: 1,
    rateLimited: 1,
    nextAttemptAt: w.now() + 30_000,
  });
  expect(w.pauses).toEqual([]);

  // The next run, at its due time, starts it: two attempts in all, one BullMQ run counted by none.
  w.pass(30_000);
  expect(await w.run(job)).toMatchObject({ state: 'started', attempts: 2 });
  expect(w.calls).toHaveLength(2);
});

it('pauses every worker for an account-level 429', async () => {
  const w = world({ answers: [tooMany('QPS')] });
  const job = fakeJob();
  await expect(w.run(job)).rejects.toBeInstanceOf(DelayedError);
  expect(w.pauses).toEqual([1000]);
  expect(job.delayedTo).toEqual([w.now() + 1000]);
  expect(readProgress(job.progress)).toMatchObject({ reason: 'account_rate_limited' });
});

it('cancels without calling Zoom when the meeting already ended', async () => {
  const w = world({ facts: { ended: RECEIVED + 1000 } });
  const job = fakeJob();
  expect(await w.run(job)).toEqual({ state: 'cancelled', attempts: 0 });
  expect(w.calls).toEqual([]);
  expect(readProgress(job.progress)).toMatchObject({
    state: 'cancelled',
    reason: 'the meeting ended',
  });
});

it('fails for good, without calling Zoom, once the give-up deadline has passed', async () => {
  const w = world({});
  w.pass(POLICY.giveUpAfterMs);
  const job = fakeJob();
  const error = await w.run(job).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnrecoverableError);
  expect((error as Error).message).toContain('deadline');
  expect(w.calls).toEqual([]);
  expect(w.slots()).toBe(0);
  expect(readProgress(job.progress)).toMatchObject({ state: 'failed' });
});

it('sends a job back to the queue, spread out, when its pacing slot is too far away', async () => {
  const w = world({ slot: () => Promise.reject(new PacerBusyError(2000)) });
  const job = fakeJob();
  await expect(w.run(job)).rejects.toBeInstanceOf(DelayedError);
  expect(w.calls).toEqual([]);
  // 2000 ms × (1 + random / 5) with random 0.5: 2200 ms.
  expect(job.delayedTo).toEqual([w.now() + 2200]);
  expect(readProgress(job.progress)).toMatchObject({
    state: 'waiting',
    reason: 'paced',
    attempts: 0,
  });
});
