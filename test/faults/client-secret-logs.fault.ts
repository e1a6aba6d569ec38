import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startPrivateRedis } from '../support/redis';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { spawnService, type ServiceProcess } from './processes';

const CLIENT_ID = 'canary-client-id';
const SECRET = 'canary-client-secret-5d1e';
const WRONG = 'canary-wrong-secret-a0b7';

/** Every form of a client secret that could end up in a log: as is, and inside Basic auth. */
const forms = (secret: string) => [
  secret,
  Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
  encodeURIComponent(secret),
];

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let zoom: ZoomSandbox;
const running: ServiceProcess[] = [];
beforeEach(async () => {
  redis = await startPrivateRedis();
  zoom = await startZoomSandbox({
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    rateLimitedStarts: 1,
  });
});
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) await p.kill('SIGKILL');
  await zoom.close();
  await redis.stop();
});

it('never prints ZOOM_CLIENT_SECRET, right or wrong, in a real process’s logs (trace level)', async () => {
  const env = { LOG_LEVEL: 'trace', LIVESTREAM_RETRY_DELAY_MS: '500' };
  const app = await spawnService('all', redis.url, 'secret-logs', zoom, env);
  running.push(app);
  await post(app.url, signed(meetingEvent('meeting.started', { id: 4001, uuid: 'right' })));
  await eventually(() => zoom.started.has('4001'), 30_000); // token, 429, wait, 204
  expect(await app.kill('SIGTERM')).toBe(0);

  // The same with a secret Zoom rejects: the OAuth failure path logs too.
  const wrong = await spawnService('all', redis.url, 'secret-logs-wrong', zoom, {
    ...env,
    ZOOM_CLIENT_SECRET: WRONG,
  });
  running.push(wrong);
  await post(wrong.url, signed(meetingEvent('meeting.started', { id: 4002, uuid: 'wrong' })));
  await eventually(() => /OAuth rejected|credentials/i.test(wrong.output()), 30_000);
  expect(await wrong.kill('SIGTERM')).toBe(0);

  const output = app.output() + wrong.output();
  expect(output).toContain('"msg":"livestream started"'); // the run did log its work
  for (const form of [...forms(SECRET), ...forms(WRONG)]) expect(output).not.toContain(form);
  expect(output).not.toContain('canary-client-secret');
  expect(output).not.toContain('canary-wrong-secret');
});
