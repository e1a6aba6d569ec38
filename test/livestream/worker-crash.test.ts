import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { enqueueStart } from '../../src/queue/start-queue';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';

let zoom: ZoomSandbox;
let replacement: TestService | undefined;
afterEach(async () => {
  await replacement?.stop();
  await zoom.close();
});

it('a worker process killed during the 429 wait loses nothing: the next worker calls on time', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 1 });
  const prefix = uniquePrefix();
  const env = {
    ...process.env,
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
    ZOOM_CLIENT_ID: zoom.credentials.clientId,
    ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: '3000',
  };
  const root = join(__dirname, '..', '..');
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'start', '--role', 'worker'],
    { env, cwd: root, stdio: 'ignore' },
  );
  const exited = new Promise((r) => worker.once('exit', r));

  replacement = await startTestService({ ROLE: 'receiver', QUEUE_PREFIX: prefix });
  const { jobId } = await enqueueStart(replacement.queue, {
    kind: 'meeting',
    meetingId: '85012345678',
    uuid: 'crash',
    receivedAt: Date.now(),
    source: 'webhook',
  });
  const first = await eventually(() => zoom.livestreamCalls()[0], 20_000);
  await eventually(async () => (await replacement!.queue.getJob(jobId))?.isDelayed());
  worker.kill('SIGKILL');
  await exited;

  // A new worker (here: in this process) takes over the delayed job.
  await replacement.stop();
  replacement = await startTestService(
    { QUEUE_PREFIX: prefix, LIVESTREAM_RETRY_DELAY_MS: '3000' },
    zoom,
  );
  const second = await eventually(() => zoom.livestreamCalls()[1], 10_000);
  expect(second.at - first.at).toBeGreaterThanOrEqual(3000);
  // How soon after its due time (the upper bound) is checked in test/faults/worker-crash.fault.ts (c).
  const job = await eventually(async () => {
    const j = await replacement!.queue.getJob(jobId);
    return j?.returnvalue ? j : undefined;
  });
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  expect(zoom.livestreamCalls()).toHaveLength(2);
});
