import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { startPrivateRedis } from '../support/redis';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { spawnService, startsPerMeeting, type ServiceProcess } from './processes';

type Redis_ = Awaited<ReturnType<typeof startPrivateRedis>>;
let redis: Redis_;
let zoom: ZoomSandbox;
let answers: { path: string; status: number; at: number }[];
let queue: Queue<StartJobData>;
let connection: Redis;
const running: ServiceProcess[] = [];
const prefix = 'faults';

beforeEach(async () => {
  redis = await startPrivateRedis();
  answers = [];
  zoom = await startZoomSandbox({
    rateLimitedStarts: 0,
    onAnswer: (req, status) => answers.push({ path: req.path, status, at: Date.now() }),
  });
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
  queue.on('error', () => undefined);
});
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) await p.kill('SIGKILL');
  await queue.close();
  connection.disconnect();
  await zoom.close();
  await redis.stop();
});

async function service(
  role: 'all' | 'receiver' | 'worker',
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const p = await spawnService(role, redis.url, prefix, zoom, env);
  running.push(p);
  return p;
}

const statusCalls = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));

it('(a) worker SIGKILLed before the PATCH: another worker starts the stream after the lock expires', async () => {
  // Invariant: a start is never lost; at most one extra PATCH.
  const receiver = await service('receiver');
  // The worker's start-up check of its credentials times out on the first hang; the job then
  // gets stuck fetching its token on the second: no PATCH sent yet.
  zoom.scriptOAuth({ hang: true }, { hang: true });
  const doomed = await service('worker');
  const oauthCalls = () => zoom.requests.filter((r) => r.path.startsWith('/oauth/token'));
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'kill-a' })));
  await eventually(() => oauthCalls().length === 2);
  await doomed.kill('SIGKILL');
  expect(statusCalls()).toHaveLength(0);
  const killedAt = Date.now();
  await service('worker');
  await eventually(() => zoom.started.has('85012345678'), 30_000);
  expect(Date.now() - killedAt).toBeLessThan(15_000); // lock 2 s + stall check 2 s + a busy start-up
  expect(statusCalls().length).toBeLessThanOrEqual(2);
  await eventually(
    async () => (await queue.getJobState(startJobId('meeting', 'kill-a'))) === 'completed',
  );
});

it('(b) worker SIGKILLed after the PATCH, before completing: the start is repeated at most once', async () => {
  const receiver = await service('receiver');
  const doomed = await service('worker');
  zoom.script({ status: 204, delayMs: 3000 }); // Zoom accepts, but the answer comes late
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'kill-b' })));
  await eventually(() => statusCalls().length === 1);
  await doomed.kill('SIGKILL');
  await service('worker');
  await eventually(
    async () => (await queue.getJobState(startJobId('meeting', 'kill-b'))) === 'completed',
    30_000,
  );
  expect(statusCalls()).toHaveLength(2); // the one in flight when killed, and one repeat
});

it('(c) worker SIGKILLed during the 429 wait: the next worker calls on time, no extra PATCH', async () => {
  await zoom.close();
  zoom = await startZoomSandbox({
    rateLimitedStarts: 1,
    onAnswer: (req, status) => answers.push({ path: req.path, status, at: Date.now() }),
  });
  const env = { LIVESTREAM_RETRY_DELAY_MS: '4000' };
  const receiver = await service('receiver', env);
  const doomed = await service('worker', env);
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'kill-c' })));
  await eventually(async () => (await queue.getJob(startJobId('meeting', 'kill-c')))?.isDelayed());
  await doomed.kill('SIGKILL');
  await service('worker', env);
  await eventually(() => zoom.started.has('85012345678'), 30_000);
  const [first, second] = statusCalls();
  expect(statusCalls()).toHaveLength(2);
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(4000);
  expect(second!.at - first!.at).toBeLessThan(4000 + 1500);
});

it('worker SIGTERMed mid-call: the call finishes, the job completes (no stall), exit 0', async () => {
  const receiver = await service('receiver');
  const worker = await service('worker');
  zoom.script({ status: 204, delayMs: 700 }); // in flight when SIGTERM comes, within the HTTP timeout
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'term' })));
  await eventually(() => statusCalls().length === 1);
  expect(await worker.kill('SIGTERM')).toBe(0);
  expect(await queue.getJobState(startJobId('meeting', 'term'))).toBe('completed');
  expect(statusCalls()).toHaveLength(1);
  expect(startsPerMeeting(answers).get('85012345678')).toBe(1);
  expect(worker.output()).toContain('"msg":"stopped"');
});
