import { userInfo } from 'node:os';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { enqueueStart } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { cli } from '../support/cli';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox | undefined;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom?.close();
  service = undefined;
  zoom = undefined;
});

const zoomEnv = (z: ZoomSandbox) => ({
  ZOOM_ACCOUNT_ID: z.credentials.accountId,
  ZOOM_CLIENT_ID: z.credentials.clientId,
  ZOOM_CLIENT_SECRET: z.credentials.clientSecret,
  ZOOM_API_BASE_URL: z.apiBaseUrl,
  ZOOM_OAUTH_TOKEN_URL: z.oauthTokenUrl,
});
const statusCalls = (z: ZoomSandbox) => z.requests.filter((r) => r.path.endsWith('/status'));

describe('cancel', () => {
  it('cancels a waiting start: the worker records it, names the operator, and calls Zoom no more', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
    service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
    const jobId = startJobId('meeting', 'waiting');
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'waiting' })));
    await eventually(async () => (await service!.queue.getJob(jobId))?.isDelayed());
    const env = { QUEUE_PREFIX: service.prefix, LOG_LEVEL: 'info' };

    const cancelled = await cli(['cancel', '85012345678'], env);
    expect(cancelled).toMatchObject({ code: 0, out: expect.stringContaining(`job ${jobId}`) });
    const operator = userInfo().username;
    expect(cancelled.err).toContain(`"operator":"${operator}"`);
    expect(cancelled.err).toContain('"action":"cancel"');

    const job = await finishedJob(service, jobId);
    expect(job?.returnvalue).toMatchObject({ state: 'cancelled' });
    expect(service.logs.lines).toContainEqual(
      expect.objectContaining({ jobId, reason: `cancelled by the operator (${operator})` }),
    );
    expect(statusCalls(zoom)).toHaveLength(1);
    const status = await cli(['status', '85012345678', '--json'], env);
    expect(JSON.parse(status.out)).toMatchObject([{ state: 'cancelled' }]);
    expect(await cli(['cancel', '85012345678'], env)).toMatchObject({
      code: 4,
      err: expect.stringContaining('no waiting start for meeting 85012345678'),
    });
  });
});

describe('stop', () => {
  it('sends {"action":"stop"} through the paced client and records the stream as stopped by the operator', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
    service = await startTestService({}, zoom);
    const jobId = startJobId('meeting', 'live');
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'live' })));
    await finishedJob(service, jobId);
    expect(zoom.started.has('85012345678')).toBe(true);

    const stopped = await cli(['stop', '85012345678'], {
      QUEUE_PREFIX: service.prefix,
      ...zoomEnv(zoom),
    });
    expect(stopped).toMatchObject({ code: 0, out: expect.stringContaining(jobId) });
    expect(zoom.started.has('85012345678')).toBe(false);
    expect(JSON.parse(statusCalls(zoom).at(-1)!.body)).toEqual({ action: 'stop' });
    const status = await cli(['status', '85012345678', '--json'], { QUEUE_PREFIX: service.prefix });
    expect(JSON.parse(status.out)).toMatchObject([
      { state: 'stopped', reason: expect.stringMatching(/^stopped by the operator/) },
    ]);
  });

  it('says what Zoom answered when it refuses, with exit 1', async () => {
    zoom = await startZoomSandbox();
    service = await startTestService({}, zoom);
    zoom.script({ status: 400, body: { code: 3001, message: 'Meeting does not exist' } });
    expect(
      await cli(['stop', '85012345678'], { QUEUE_PREFIX: service.prefix, ...zoomEnv(zoom) }),
    ).toMatchObject({ code: 1, err: expect.stringContaining('code 3001: Meeting does not exist') });
  });
});

describe('status filters', () => {
  it('--state and --since narrow the list; bad values are usage errors', async () => {
    service = await startTestService({ ROLE: 'receiver' });
    const env = { QUEUE_PREFIX: service.prefix };
    const old = Date.now() - 3 * 3600_000;
    await enqueueStart(service.queue, {
      kind: 'meeting',
      meetingId: '111',
      uuid: 'old',
      receivedAt: old,
      source: 'cli',
    });
    await enqueueStart(service.queue, {
      kind: 'meeting',
      meetingId: '222',
      uuid: 'new',
      receivedAt: Date.now(),
      source: 'cli',
    });
    const ids = async (...args: string[]) =>
      (JSON.parse((await cli(['status', '--json', ...args], env)).out) as { meetingId: string }[])
        .map((s) => s.meetingId)
        .sort();
    expect(await ids()).toEqual(['111', '222']);
    expect(await ids('--since', '2h')).toEqual(['222']);
    expect(await ids('--since', '4h', '--state', 'waiting')).toEqual(['111', '222']);
    expect(await ids('--state', 'failed')).toEqual([]);
    expect(await cli(['status', '--since', 'yesterday'], env)).toMatchObject({ code: 2 });
    expect(await cli(['status', '--state', 'asleep'], env)).toMatchObject({ code: 2 });
  });
});

it('every command has --help with an example', async () => {
  for (const command of [
    'start',
    'trigger',
    'status',
    'retry',
    'cancel',
    'stop',
    'doctor',
    'sandbox',
    'demo',
    'rules',
    'rules test',
  ]) {
    const help = await cli([...command.split(' '), '--help']);
    expect({ command, code: help.code }).toEqual({ command, code: 0 });
    expect(help.out).toMatch(/Examples?:\n {2}\$ zoom-livestream-worker /);
  }
});
