import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { accountOf } from '../src/domain/account';
import { startJobId, type StartJobData } from '../src/domain/start-job';
import { withAccountSlots } from '../src/livestream/account-slots';
import { createStartProcessor, type StartPolicy } from '../src/livestream/start-processor';
import { createStartWorker } from '../src/livestream/start-worker';
import type { Logger } from '../src/logging/create-logger';
import { DEFAULT_RULES } from '../src/policy/rules';
import {
  LIVESTREAM_QUEUE,
  readInstanceFacts,
  START_JOB,
  START_JOB_OPTIONS,
} from '../src/queue/start-queue';
import { ZoomApiError } from '../src/zoom/errors';
import { createPacer, type Pacer } from '../src/zoom/pacer';
import type { ZoomClient } from '../src/zoom/zoom-client';

/** One Zoom account as this composition sees it: its name, its limit and its client. */
export interface AccountSpec {
  name: string;
  maxPerSecond: number;
  /** The account's Zoom client, paced by the account's own pacer. */
  zoom: (pacer: Pacer) => ZoomClient;
}

export interface AccountWorkersOptions {
  connection: Redis;
  prefix: string;
  accounts: AccountSpec[];
  concurrency: number;
  /** Most worker slots one account holds (`WORKER_SLOTS_PER_ACCOUNT`). */
  perAccount: number;
  /** `ZOOM_PACER_INLINE_WAIT_MS`. */
  inlineWaitMs: number;
  log: Logger;
  /** `LIVESTREAM_RETRY_DELAY_MS`: the wait after a livestream 429 (30 s unless told). */
  retryDelayMs?: number;
}

const POLICY: StartPolicy = {
  retryDelayMs: 30_000,
  giveUpAfterMs: 3_600_000,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
  confirmTimeoutMs: 0,
  unavailableAlertAfterMs: 0,
};

/**
 * A start worker for several accounts, composed here from the parts the service uses: one
 * queue, one pacer per account (its own Redis keys and limit), one start processor per account,
 * and `withAccountSlots` around them. The service's own per-account wiring composes the same
 * parts; the bench and the fault tests use this until every account runs through it.
 */
export function startAccountWorkers(options: AccountWorkersOptions): {
  worker: Worker<StartJobData>;
  pacers: Map<string, Pacer>;
  close: () => Promise<void>;
} {
  const facts = new Queue(LIVESTREAM_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
  });
  const pacers = new Map<string, Pacer>();
  const processors = new Map<string, ReturnType<typeof createStartProcessor>>();
  for (const account of options.accounts) {
    const pacer = createPacer({
      redis: options.connection,
      keyPrefix: `${options.prefix}:${account.name}`,
      maxPerSecond: account.maxPerSecond,
      maxInlineWaitMs: options.inlineWaitMs,
    });
    pacers.set(account.name, pacer);
    processors.set(
      account.name,
      createStartProcessor({
        zoom: account.zoom(pacer),
        facts: (jobId) => readInstanceFacts(facts, jobId),
        rules: () => DEFAULT_RULES,
        policy: { ...POLICY, retryDelayMs: options.retryDelayMs ?? POLICY.retryDelayMs },
        settings: {},
        reserveSlot: (reserved) => pacer.acquire({ reserveAhead: true, reserved }),
        pauseZoomCalls: pacer.pause,
        log: options.log.child({ account: account.name }),
      }),
    );
  }
  const worker = createStartWorker({
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDurationMs: 30_000,
    log: options.log,
    processor: withAccountSlots(
      (job, token) => {
        const processor = processors.get(accountOf(job.data));
        if (!processor) throw new Error(`no account ${accountOf(job.data)}`);
        return processor(job, token);
      },
      { perAccount: options.perAccount },
    ),
  });
  return {
    worker,
    pacers,
    close: async () => {
      await worker.close();
      await facts.close();
    },
  };
}

/** `count` start jobs of `account` (meeting ids from `firstId`), ready for `Queue.addBulk`. */
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

/** A Zoom whose every `every`-th start call is answered with an account-level 429 (a storm). */
export function stormyZoom(inner: ZoomClient, every: number): ZoomClient {
  let calls = 0;
  return {
    ...inner,
    startLivestream: async (...args) => {
      const answer = await inner.startLivestream(...args);
      if (++calls % every !== 0) return answer;
      throw new ZoomApiError({
        endpoint: 'livestream.status',
        status: 429,
        zoomCode: 429,
        zoomMessage: 'You have reached the maximum per-second rate limit for this API.',
        trackingId: undefined,
        retryAfterMs: 1000,
        rateLimitType: 'QPS',
      });
    },
  };
}
