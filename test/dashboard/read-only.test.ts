import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const ADMIN = { username: 'admin', password: 'correct-horse-battery' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

let zoom: ZoomSandbox;
let service: TestService;
afterAll(async () => {
  await service.stop();
  await zoom.close();
});

it('refuses every change through the dashboard API: jobs, queue and counts stay as they were', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService(
    {
      LIVESTREAM_RETRY_DELAY_MS: '600000',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    zoom,
  );
  const failedId = startJobId('meeting', 'failed-one');
  const waitingId = startJobId('meeting', 'waiting-one');
  zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'failed-one' })));
  await eventually(async () => (await service.queue.getJobState(failedId)) === 'failed');
  await post(service.url, signed(meetingEvent('meeting.started', { id: 2, uuid: 'waiting-one' })));
  await eventually(async () => (await service.queue.getJob(waitingId))?.isDelayed());
  const snapshot = async () => {
    const [failed, waiting] = await Promise.all([
      service.queue.getJob(failedId),
      service.queue.getJob(waitingId),
    ]);
    return {
      counts: await service.queue.getJobCounts(),
      paused: await service.queue.isPaused(),
      failed: [
        await failed?.getState(),
        failed?.attemptsMade,
        failed?.failedReason,
        failed?.progress,
      ],
      waiting: [await waiting?.getState(), waiting?.delay, waiting?.data, waiting?.progress],
      zoomCalls: zoom.livestreamCalls().length,
    };
  };
  const before = await snapshot();

  const api = `${service.url}/admin/queues/api/queues`;
  const q = `${api}/livestream`;
  const changes: [string, string, object?][] = [
    ['PUT', `${q}/retry/failed`],
    ['PUT', `${q}/promote`],
    ['PUT', `${q}/clean/failed`],
    ['PUT', `${q}/clean/delayed`],
    ['PUT', `${q}/pause`],
    ['PUT', `${q}/empty`],
    ['PUT', `${q}/obliterate`],
    ['PUT', `${q}/concurrency`, { concurrency: 1 }],
    ['PUT', `${q}/rate-limit`, { max: 1, duration: 1000 }],
    ['POST', `${q}/add`, { name: 'start-livestream', data: { meetingId: '3' } }],
    ['PUT', `${q}/${failedId}/retry`],
    ['PUT', `${q}/${failedId}/clean`],
    ['PUT', `${q}/${waitingId}/promote`],
    ['PATCH', `${q}/${waitingId}/update-data`, { data: { meetingId: '4' } }],
    ['PATCH', `${q}/${waitingId}/delay`, { delay: 0 }],
  ];
  const answers: string[] = [];
  for (const [method, url, body] of changes) {
    const res = await fetch(url, {
      method,
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    answers.push(`${method} ${url.slice(api.length)} -> ${res.status}`);
  }
  expect(answers.filter((a) => !/-> 4\d\d$/.test(a))).toEqual([]);
  // "Pause all" answers 200 but leaves read-only queues alone.
  await fetch(`${api}/pause`, { method: 'PUT', headers: { authorization: AUTH } });

  expect(await snapshot()).toEqual(before);
});
