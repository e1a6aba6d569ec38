import { request as httpRequest } from 'node:http';
import { readInstanceFacts } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { meetingEvent, post, SECRET, signed } from '../support/webhook';
import { startTestService, type TestService } from '../support/service';
import { encryptPlainToken } from '../../src/webhook/signature';

let service: TestService;
beforeEach(async () => {
  service = await startTestService({ ROLE: 'receiver' });
});
afterEach(() => service.stop());

const jobs = () => service.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);

describe('POST /webhooks/zoom', () => {
  it('queues one start job for a signed meeting.started and answers 204', async () => {
    const res = await post(
      service.url,
      signed(meetingEvent('meeting.started', { id: 98765432101, uuid: 'Abc/+d==' })),
    );
    expect(res.status).toBe(204);
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]!.id).toBe(startJobId('meeting', 'Abc/+d=='));
    expect(all[0]!.id).not.toContain(':');
    // Only what the worker needs: the 11-digit id stays a digit string, no secrets, no payload.
    expect(all[0]!.data).toEqual({
      kind: 'meeting',
      meetingId: '98765432101',
      uuid: 'Abc/+d==',
      topic: 'Sunday service',
      hostId: 'host-1',
      meetingType: 2,
      receivedAt: expect.any(Number),
      source: 'webhook',
    });
    expect(JSON.stringify(all[0]!.data)).not.toContain(SECRET);
  });

  it('keeps a meeting id sent as a digit string as the same digit string', async () => {
    await post(service.url, signed(meetingEvent('meeting.started', { id: '12345678901234' })));
    expect((await jobs())[0]!.data.meetingId).toBe('12345678901234');
  });

  it('takes sequential, concurrent and re-signed duplicates as one job', async () => {
    const event = meetingEvent('meeting.started', { uuid: 'dup-uuid' });
    expect((await post(service.url, signed(event))).status).toBe(204);
    expect((await post(service.url, signed(event))).status).toBe(204);
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, () => post(service.url, signed(event))),
    );
    expect(concurrent.map((r) => r.status)).toEqual(Array(20).fill(204));
    const later = String(Math.floor(Date.now() / 1000) + 5);
    expect((await post(service.url, signed(event, { timestamp: later }))).status).toBe(204);
    expect(await jobs()).toHaveLength(1);
    const outcomes = service.logs.lines
      .filter((l) => l.msg === 'webhook handled')
      .map((l) => l.outcome);
    expect(outcomes[0]).toBe('accepted');
    expect(outcomes[1]).toBe('duplicate');
    expect(outcomes.at(-1)).toBe('duplicate');
  });

  it('queues separate jobs for separate instances of the same meeting', async () => {
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'first' })));
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'second' })));
    expect(await jobs()).toHaveLength(2);
  });

  it('answers url_validation with the plain token and its HMAC', async () => {
    const res = await post(
      service.url,
      signed({
        event: 'endpoint.url_validation',
        event_ts: 1,
        payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: encryptPlainToken(SECRET, 'qgg8vlvZRS6UYooatFL8Aw'),
    });
  });

  it('refuses an unsigned url_validation', async () => {
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'x' } });
    const res = await fetch(`${service.url}/webhooks/zoom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(401);
  });

  it('answers 401 and queues nothing for a bad signature or a stale timestamp', async () => {
    const wrongSecret = signed(meetingEvent('meeting.started'), { secret: 'not-ours' });
    expect((await post(service.url, wrongSecret)).status).toBe(401);
    const stale = signed(meetingEvent('meeting.started'), {
      timestamp: String(Math.floor(Date.now() / 1000) - 600),
    });
    const res = await post(service.url, stale);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'stale' });
    expect(await jobs()).toHaveLength(0);
  });

  it('answers 415 for a body that is not JSON, before checking the signature', async () => {
    const delivery = signed('a=1');
    const res = await fetch(`${service.url}/webhooks/zoom`, {
      method: 'POST',
      headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: delivery.body,
    });
    expect(res.status).toBe(415);
  });

  it('answers 413 for a body over the limit, declared or chunked', async () => {
    const big = JSON.stringify({ event: 'meeting.started', payload: { pad: 'x'.repeat(300_000) } });
    expect((await post(service.url, signed(big))).status).toBe(413);
    // A megabyte sent chunked (no Content-Length) is cut off at the limit, not buffered whole.
    const status = await new Promise<number>((done, fail) => {
      const url = new URL(`${service.url}/webhooks/zoom`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => done(res.statusCode ?? 0),
      );
      req.on('error', fail);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 16; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it.each([
    ['invalid JSON', '{"event":'],
    ['a JSON array', '[1,2]'],
    ['an envelope without payload', '{"event":"meeting.started"}'],
    [
      'a meeting without uuid',
      JSON.stringify({ event: 'meeting.started', payload: { object: { id: 1 } } }),
    ],
    [
      'a non-numeric meeting id',
      JSON.stringify({ event: 'meeting.started', payload: { object: { id: 'abc', uuid: 'u' } } }),
    ],
  ])('answers 400 for signed %s', async (_label, body) => {
    const res = await post(service.url, signed(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_body' });
    expect(await jobs()).toHaveLength(0);
  });

  it('answers 204 to other signed events and queues nothing', async () => {
    const res = await post(service.url, signed(meetingEvent('meeting.participant_joined')));
    expect(res.status).toBe(204);
    expect(await jobs()).toHaveLength(0);
  });

  it('cancels the pending start job on meeting.ended', async () => {
    // As a 429 wait leaves it: the instance's job, delayed until its next try.
    const jobId = startJobId('meeting', 'ending');
    const job = await service.queue.add('start-livestream', meetingStartData('ending'), {
      jobId,
      delay: 60_000,
    });
    expect(await job.isDelayed()).toBe(true);
    const res = await post(service.url, signed(meetingEvent('meeting.ended', { uuid: 'ending' })));
    expect(res.status).toBe(204);
    expect(await service.queue.getJobState(job.id!)).toBe('waiting'); // woken to finish as cancelled
    expect(await readInstanceFacts(service.queue, job.id!)).toEqual({ ended: expect.any(Number) });
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${service.url}/nope`)).status).toBe(404);
  });
});

function meetingStartData(uuid: string): StartJobData {
  return {
    kind: 'meeting',
    meetingId: '85012345678',
    uuid,
    receivedAt: Date.now(),
    source: 'webhook',
  };
}
