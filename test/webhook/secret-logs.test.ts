import { request } from 'node:http';
import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import type { EmbeddedRedis } from '../../src/redis/embedded-redis';

const CURRENT = 'canary-current-secret-7f3a';
const PREVIOUS = 'canary-previous-secret-91c2';

let redis: EmbeddedRedis & { dir: string };
let service: TestService;
beforeEach(async () => {
  redis = await startPrivateRedis();
  service = await startTestService({
    ROLE: 'receiver',
    REDIS_URL: redis.url,
    ZOOM_WEBHOOK_SECRET_TOKEN: `${CURRENT}, ${PREVIOUS}`,
    WEBHOOK_REDIS_BUDGET_MS: '500',
  });
});
afterEach(async () => {
  await service.stop();
  await redis.stop();
});

const send = (body: string | object, secret = CURRENT, extra: Record<string, string> = {}) => {
  const delivery = signed(body, { secret });
  return post(service.url, { ...delivery, headers: { ...delivery.headers, ...extra } });
};

/** A body cut off mid-way: the reader fails and the request is logged as aborted. */
const aborted = () =>
  new Promise<void>((done) => {
    const url = new URL(`${service.url}/webhooks/zoom`);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
    });
    req.on('error', () => done());
    req.write('{"event":', () => setTimeout(() => req.destroy(), 50));
  });

it('never writes a webhook secret to a log line, on any path (url_validation, 2xx, 4xx, 503)', async () => {
  const validation = { event: 'endpoint.url_validation', payload: { plainToken: 'plain-1' } };
  const answers = [
    await send(validation), // 200 with the token encrypted with the secret
    await send(validation, PREVIOUS), // signed with the older secret of a rotation
    await send(meetingEvent('meeting.started', { uuid: 'logs-1' })), // 204 accepted
    await send(meetingEvent('meeting.started', { uuid: 'logs-1' })), // 204 duplicate
    await send(meetingEvent('meeting.ended', { uuid: 'logs-1' })), // 204 cancelled
    await send(meetingEvent('meeting.participant_joined')), // 204 ignored
    await send(meetingEvent('meeting.started'), 'not-ours'), // 401 bad signature
    await send(meetingEvent('meeting.started'), CURRENT, { 'x-zm-request-timestamp': '1' }),
    await send('{"event":'), // 400 not JSON
    await send({ event: 'endpoint.url_validation', payload: {} }), // 400 no plainToken
    await send(meetingEvent('meeting.started'), CURRENT, { 'content-type': 'text/plain' }), // 415
    await send(meetingEvent('meeting.started'), CURRENT, { 'content-encoding': 'gzip' }), // 415
    await send({ event: 'x', payload: { pad: 'x'.repeat(300_000) } }), // 413
  ];
  expect(answers.map((a) => a.status)).toEqual([
    200, 200, 204, 204, 204, 204, 401, 401, 400, 400, 415, 415, 413,
  ]);
  await aborted();
  await eventually(() => service.logs.lines.some((l) => l.outcome === 'aborted'));
  process.kill(redis.pid, 'SIGSTOP'); // Redis hangs: 503 after the 500 ms budget
  try {
    expect((await send(meetingEvent('meeting.started', { uuid: 'logs-2' }))).status).toBe(503);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }

  const outcomes = new Set(service.logs.lines.map((l) => l.outcome));
  for (const outcome of ['validated', 'accepted', 'duplicate', 'bad_signature', 'unavailable'])
    expect(outcomes).toContain(outcome); // the paths above were all logged
  const text = service.logs.text();
  expect(text).not.toContain(CURRENT);
  expect(text).not.toContain(PREVIOUS);
  expect(text).not.toContain('canary-');
});
