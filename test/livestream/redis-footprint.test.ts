import { Redis } from 'ioredis';
import { readProgress, HISTORY_LIMIT } from '../../src/domain/start-progress';
import { JOB_LOG_LINES } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { redisUrl } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom.close();
});

/** A four-hour wait on 30-second 429s is about 480 attempts. */
const ATTEMPTS = 480;

it(`a meeting that waited through ${ATTEMPTS} 429s costs Redis a few KB, with the newest answers in full and the rest counted`, async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 100_000 });
  service = await startTestService(
    {
      LIVESTREAM_RETRY_DELAY_MS: '0',
      ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
      WORKER_CONCURRENCY: '1',
    },
    zoom,
  );
  const topic = 'Sunday service — main hall, with a long title as people write them';
  await post(service.url, signed(meetingEvent('meeting.started', { topic })));
  const jobId = startJobId('meeting', 'uuid-1==');
  const job = await eventually(async () => {
    const j = await service!.queue.getJob(jobId);
    return j && readProgress(j.progress).attempts >= ATTEMPTS ? j : undefined;
  }, 120_000);
  const prefix = service.prefix;
  await service.stop(); // freeze the job where it is
  service = undefined;

  const progress = readProgress(job.progress);
  expect(progress.history).toHaveLength(HISTORY_LIMIT);
  expect(progress.history.at(-1)).toMatchObject({ status: 429, trackingId: expect.any(String) });
  expect(progress.earlier?.['retry:livestream_rate_limited']).toBe(
    progress.attempts - HISTORY_LIMIT,
  );

  const redis = new Redis(redisUrl());
  try {
    const jobKey = `${prefix}:livestream:${jobId}`;
    const keys = [jobKey, `${jobKey}:logs`, `${prefix}:livestream:instance:${jobId}`];
    expect(await redis.llen(`${jobKey}:logs`)).toBe(JOB_LOG_LINES);
    let bytes = 0;
    for (const key of keys) bytes += Number((await redis.memory('USAGE', key)) ?? 0);
    // The figure in docs/retry-policy.md and docs/performance.md.
    process.stdout.write(
      `redis bytes for one meeting after ${progress.attempts} attempts: ${bytes}\n`,
    );
    expect(bytes).toBeLessThan(8 * 1024); // it was about 100 KB with 50 answers and 200 log lines
  } finally {
    redis.disconnect();
  }
});
