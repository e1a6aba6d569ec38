import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { SHUTDOWN_MARGIN_MS } from '../../src/service/shutdown';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { createFaultWorld, startsPerMeeting, type FaultWorld } from './processes';

let world: FaultWorld;
let connection: Redis;
let queue: Queue<StartJobData>;
beforeEach(async () => {
  world = await createFaultWorld(0, 'shutdown');
  connection = new Redis(world.redis.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: 'shutdown' });
  queue.on('error', () => undefined);
});
afterEach(async () => {
  await queue.close().catch(() => undefined);
  connection.disconnect();
  await world.close();
});

/** The one line that names what the timeout cut off. */
const cutOffLines = (output: string) =>
  output.split('\n').filter((l) => l.includes('shutdown did not finish within'));

it('SHUTDOWN_TIMEOUT_MS runs out: a hung Zoom call does not hold SIGTERM; exit 1, the job is left for stall recovery', async () => {
  const receiver = await world.service('receiver');
  // The Zoom call may take 30 s; the worker may take 1.5 s to shut down.
  const env = { ZOOM_HTTP_TIMEOUT_MS: '30000', SHUTDOWN_TIMEOUT_MS: '1500' };
  const worker = await world.service('worker', env);
  world.zoom.script({ hang: true });
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'hung-at-exit' })));
  await eventually(() => world.statusCalls().length === 1); // the call is in flight, and hangs

  const termAt = performance.now();
  expect(await worker.kill('SIGTERM')).toBe(1);
  const tookMs = performance.now() - termAt;
  expect(tookMs).toBeGreaterThanOrEqual(1400); // it did wait for the call, for the timeout
  expect(tookMs).toBeLessThan(1500 + SHUTDOWN_MARGIN_MS); // then cut it off
  const [line] = cutOffLines(worker.output());
  expect(line).toContain('start worker (jobs in flight are taken up again by another worker)');
  expect(worker.output()).toContain('"msg":"stopped"');
  const jobId = startJobId('meeting', 'hung-at-exit');
  // Its call was cut off: the job either stalls (lock lapses) or was put back with a backoff.
  expect(['active', 'delayed']).toContain(await queue.getJobState(jobId));

  // Another worker takes the job up (after its 2 s lock, or its backoff) and starts the stream.
  await world.service('worker', env);
  await eventually(async () => (await queue.getJobState(jobId)) === 'completed', 30_000);
  expect(startsPerMeeting(world.answers).get('85012345678')).toBe(1);
});

it('SIGTERM while Redis is down: the whole process exits within SHUTDOWN_TIMEOUT_MS plus the margin, naming what it cut off if anything', async () => {
  const app = await world.service('all', { SHUTDOWN_TIMEOUT_MS: '2000' });
  world.redis.kill();
  await eventually(async () => (await fetch(`${app.url}/readyz`)).status === 503);

  const termAt = performance.now();
  // The workers close with force once no job is in flight, so a Redis outage alone often lets the
  // close finish (0); a connection still reconnecting is cut off instead (1), and named.
  const code = await app.kill('SIGTERM');
  const tookMs = performance.now() - termAt;
  expect(tookMs).toBeLessThan(2000 + SHUTDOWN_MARGIN_MS);
  const lines = cutOffLines(app.output());
  expect(lines).toHaveLength(code === 1 ? 1 : 0);
  if (code === 1) expect(lines[0]).toMatch(/cut off: \S/);
  else expect(code).toBe(0);
  expect(app.output()).toContain('"msg":"stopped"');
});

async function workerWithHungCall(env: Record<string, string>, uuid: string) {
  const receiver = await world.service('receiver');
  const worker = await world.service('worker', { ZOOM_HTTP_TIMEOUT_MS: '60000', ...env });
  world.zoom.script({ hang: true });
  await post(receiver.url, signed(meetingEvent('meeting.started', { uuid })));
  await eventually(() => world.statusCalls().length === 1);
  return worker;
}

it('a second SIGTERM during a long shutdown ends the process at once (143)', async () => {
  const worker = await workerWithHungCall({ SHUTDOWN_TIMEOUT_MS: '60000' }, 'second-signal');
  worker.child.kill('SIGTERM');
  await eventually(() => worker.output().includes('"msg":"shutting down"'));
  await new Promise((r) => setTimeout(r, 1100)); // past the window in which a repeat is the same Ctrl-C
  const secondAt = performance.now();
  expect(await worker.kill('SIGTERM')).toBe(143);
  expect(performance.now() - secondAt).toBeLessThan(1000);
  expect(worker.output()).toContain('SIGTERM during shutdown: exiting now, without finishing it');
  expect(worker.output()).not.toContain('"msg":"stopped"');
});

it('one Ctrl-C that arrives twice (from the terminal, and forwarded by npm start) is still a graceful shutdown', async () => {
  const worker = await workerWithHungCall({ SHUTDOWN_TIMEOUT_MS: '1500' }, 'double-ctrl-c');
  worker.child.kill('SIGINT');
  // npm's copy comes a moment after the terminal's (two signals sent at once would merge into one).
  await eventually(() => worker.output().includes('"msg":"shutting down"'));
  worker.child.kill('SIGINT');
  expect(await worker.exited).toBe(1); // the timeout cut the hung call off, not the repeat
  expect(worker.output()).toContain('"msg":"stopped"');
  expect(worker.output()).not.toContain('exiting now');
});

it('SIGTERM during a reconcile sweep whose Zoom call hangs: exits within SHUTDOWN_TIMEOUT_MS plus the margin', async () => {
  world.zoom.scriptGets({ hang: true });
  const worker = await world.service('worker', {
    RECONCILE_USERS: 'sandbox-host',
    RECONCILE_INTERVAL_MS: '1000',
    ZOOM_HTTP_TIMEOUT_MS: '60000',
    SHUTDOWN_TIMEOUT_MS: '1500',
  });
  await eventually(() => world.zoom.requests.some((r) => r.path.includes('/meetings?')), 20_000);

  const termAt = performance.now();
  expect(await worker.kill('SIGTERM')).toBe(1);
  expect(performance.now() - termAt).toBeLessThan(1500 + SHUTDOWN_MARGIN_MS);
  const [line] = cutOffLines(worker.output());
  expect(line).toContain('reconcile sweep');
});
