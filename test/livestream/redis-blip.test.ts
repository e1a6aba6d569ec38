import { startEmbeddedRedis } from '../../src/redis/embedded-redis';
import { startJobId } from '../../src/domain/start-job';
import { readProgress } from '../../src/domain/start-progress';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
afterEach(async () => {
  await service?.stop();
  await zoom.close();
  await redis.stop();
});

const BLIPS = 6; // more than the job's BullMQ `attempts` (5)
const DELAY_MS = 300;
// Every acknowledged write on disk before its reply. With the default `everysec`, Redis answers
// writes whose AOF write it postponed behind a slow fsync (a busy disk), so a SIGKILL right then
// lost a progress save the worker had been told was stored: a flake about the test's Redis, not
// about the worker. `always` makes "acknowledged" mean "survives the kill".
const DURABLE = ['--appendfsync', 'always'];

it('Redis killed while start calls are in flight, again and again: no attempt used up, each try at its due time, then started', async () => {
  redis = await startPrivateRedis(DURABLE);
  let answered = 0;
  zoom = await startZoomSandbox({ rateLimitedStarts: 0, onAnswer: () => answered++ });
  // Every 429 comes slowly, so Redis dies while the worker waits for Zoom's answer.
  zoom.script(
    ...Array.from({ length: BLIPS }, () => ({
      status: 429,
      delayMs: 400,
      body: { code: 429, message: 'Too many requests. Please retry after 30 seconds.' },
    })),
  );
  service = await startTestService(
    { REDIS_URL: redis.url, LIVESTREAM_RETRY_DELAY_MS: String(DELAY_MS) },
    zoom,
  );
  const calls = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));
  expect((await post(service.url, signed(meetingEvent('meeting.started', {})))).status).toBe(204);

  for (let blip = 1; blip <= BLIPS; blip++) {
    await eventually(() => calls().length === blip, 20_000);
    redis.kill(); // mid-call: the answer arrives while Redis is down
    await eventually(() => answered === blip);
    await new Promise((r) => setTimeout(r, 200)); // Redis stays down while the worker reads the answer
    redis = {
      ...(await startEmbeddedRedis({
        dataDir: redis.dir,
        port: redis.port,
        env: process.env,
        extraArgs: DURABLE,
      })),
      dir: redis.dir,
    };
  }

  const jobId = startJobId('meeting', 'uuid-1==');
  const job = await eventually(async () => {
    const j = await service!.queue.getJob(jobId);
    return j?.finishedOn ? j : undefined;
  }, 30_000);
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: BLIPS + 1 });
  expect(job.attemptsMade).toBe(1); // no Redis blip counted as a BullMQ attempt
  expect(zoom.started.has('85012345678')).toBe(true);
  // Each retry waited for its due time (the 429 delay); none was rescheduled by an error.
  const times = calls().map((r) => r.at);
  for (let i = 1; i < times.length; i++)
    expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(DELAY_MS);
  expect(readProgress(job.progress)).toMatchObject({ rateLimited: BLIPS, state: 'started' });
}, 60_000); // six Redis restarts on a busy machine
