import { gzipSync, deflateSync } from 'node:zlib';
import { startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let service: TestService;
beforeEach(async () => {
  service = await startTestService({ ROLE: 'receiver' });
});
afterEach(() => service.stop());

const jobs = () => service.queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);

describe('what the webhook contract (docs/webhook-contract.md) promises about deliveries', () => {
  it('accepts a signed body that is not compact JSON: the exact bytes are verified', async () => {
    // Spaces, newlines, `\/` and `\u00e9`: JSON.stringify(JSON.parse(body)) is different bytes,
    // so a verifier that re-serialised the JSON would answer 401.
    const body =
      '{\n  "event" : "meeting.started",\n  "event_ts": 1700000000000,\n  "payload": {\n' +
      '    "account_id": "acc",\n    "object": { "id": 85012345678, "uuid": "sp\\/ace==",' +
      ' "topic": "Caf\\u00e9 \\/ Sunday", "host_id": "h" }\n  }\n}\n';
    expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
    const res = await post(service.url, signed(body));
    expect(res.status).toBe(204);
    const [job] = await jobs();
    expect(job?.data).toMatchObject({ uuid: 'sp/ace==', topic: 'Café / Sunday' });
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('answers 415 to a %s-encoded body and never inflates it', async (encoding, compress) => {
    // Signed over the plain JSON, as a proxy compressing Zoom's delivery would leave it: a server
    // that inflated bodies would verify it and queue a job.
    const delivery = signed(meetingEvent('meeting.started', { uuid: `enc-${encoding}` }));
    const res = await fetch(`${service.url}/webhooks/zoom`, {
      method: 'POST',
      headers: { ...delivery.headers, 'content-encoding': encoding },
      body: compress(Buffer.from(delivery.body)),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' });
    expect(await jobs()).toHaveLength(0);
  });

  it('refuses numeric meeting ids at or above 2^53 (400) and keeps the ones below exact', async () => {
    const withId = (id: string) =>
      `{"event":"meeting.started","payload":{"object":{"id":${id},"uuid":"u-${id.replace(/\D/g, '')}"}}}`;
    for (const tooBig of ['9007199254740992', '9007199254740993', '18446744073709551615']) {
      const res = await post(service.url, signed(withId(tooBig)));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_body' });
    }
    expect(await jobs()).toHaveLength(0);
    expect((await post(service.url, signed(withId('9007199254740991')))).status).toBe(204);
    expect((await post(service.url, signed(withId('"9007199254740993"')))).status).toBe(204);
    const ids = (await jobs()).map((j) => j.data.meetingId).sort();
    expect(ids).toEqual(['9007199254740991', '9007199254740993']);
  });
});
