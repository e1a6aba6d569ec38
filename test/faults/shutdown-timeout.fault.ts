import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE, startJobId, type StartJobData } from '../../src/queue/start-queue';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { createFaultWorld, startsPerMeeting, type FaultWorld } from './processes';

let world: FaultWorld;
let connection: Redis;
let queue: Queue<StartJobData>;
beforeEach(async () => {
  world = await createFaultWorld(0, 'shutdown');
  connection = new Redis(world.redis.url, { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: 'shutdown' });
  queue.on('error', () => undefined);
});
afterEach(async () => {
  await queue.close();
  connection.disconnect();
  await world.close();
});

it('SHUTDOWN_TIMEOUT_MS runs out: a hung Zoom call does not hold SIGTERM; the job is left for stall recovery', async () => {
  const receiver = await world.service('receiver');
  // The Zoom call may take 30 s; the worker may take 1.5 s to shut down.
  const env = { ZOOM_HTTP_TIMEOUT_MS: '30000', SHUTDOWN_TIMEOUT_MS: '1500' };
  const worker = await world.service('worker', env);
  world.zoom.script({ hang: true });
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'hung-at-exit' })));
  await eventually(() => world.statusCalls().length === 1); // the call is in flight, and hangs

  const termAt = performance.now();
  expect(await worker.kill('SIGTERM')).toBe(0);
  const tookMs = performance.now() - termAt;
  expect(tookMs).toBeGreaterThanOrEqual(1400); // it did wait for the call, for the timeout
  expect(tookMs).toBeLessThan(1500 + 5000); // and then exited, long before the 30 s call ends
  expect(worker.output()).toContain('in-flight jobs did not finish in time');
  expect(worker.output()).toContain('"msg":"stopped"');
  const jobId = startJobId('meeting', 'hung-at-exit');
  // Its call was cut off: the job either stalls (lock lapses) or was put back with a backoff.
  expect(['active', 'delayed']).toContain(await queue.getJobState(jobId));

  // Another worker takes the job up (after its 2 s lock, or its backoff) and starts the stream.
  await world.service('worker', env);
  await eventually(async () => (await queue.getJobState(jobId)) === 'completed', 30_000);
  expect(startsPerMeeting(world.answers).get('85012345678')).toBe(1);
});
