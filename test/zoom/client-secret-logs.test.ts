import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const CLIENT_ID = 'canary-client-id';
const SECRET = 'canary-client-secret-5d1e';
const WRONG = 'canary-wrong-secret-a0b7';

/** Every form of a client secret that could end up in a log: as is, inside Basic auth, URL-encoded. */
const forms = (secret: string) => [
  secret,
  Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
  encodeURIComponent(secret),
];

let zoom: ZoomSandbox;
const services: TestService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await zoom.close();
});

it('never logs ZOOM_CLIENT_SECRET, right or wrong, at trace level, nor shows it in a job', async () => {
  zoom = await startZoomSandbox({
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    rateLimitedStarts: 1,
  });
  const env = { LOG_LEVEL: 'trace', LIVESTREAM_RETRY_DELAY_MS: '100' };
  const right = await startTestService(env, zoom);
  services.push(right);
  await post(right.url, signed(meetingEvent('meeting.started', { id: 4001, uuid: 'right' })));
  const started = await finishedJob(right, startJobId('meeting', 'right')); // token, 429, wait, 204
  expect(started.returnvalue).toMatchObject({ state: 'started' });

  // A worker with a secret Zoom rejects: the OAuth failure path logs and records too.
  const wrong = await startTestService({ ...env, ZOOM_CLIENT_SECRET: WRONG }, zoom);
  services.push(wrong);
  await post(wrong.url, signed(meetingEvent('meeting.started', { id: 4002, uuid: 'wrong' })));
  const waiting = await eventually(async () => {
    const job = await wrong.queue.getJob(startJobId('meeting', 'wrong'));
    return JSON.stringify(job?.progress ?? '').includes('oauth_rejected') ? job : undefined;
  });
  await eventually(() => /OAuth rejected/.test(wrong.logs.text()));

  const text = [
    right.logs.text(),
    wrong.logs.text(),
    JSON.stringify(started),
    JSON.stringify(waiting),
  ].join('\n');
  expect(right.logs.lines.some((l) => l.msg === 'livestream started')).toBe(true); // it did log
  for (const form of [...forms(SECRET), ...forms(WRONG)]) expect(text).not.toContain(form);
  expect(text).not.toMatch(/canary-(client|wrong)-secret/);
});
