import { meetingEvent, post, signed } from '../support/webhook';
import { startTestService, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ ROLE: 'receiver' });
});
afterAll(() => service.stop());

it.each<[string, number | string]>([
  ['the number 0', 0],
  ['the string "0"', '0'],
  ['a leading zero', '0123'],
  ['a negative number', -5],
])('refuses meeting id %s with the same 400 and queues nothing', async (_label, id) => {
  const res = await post(
    service.url,
    signed(meetingEvent('meeting.started', { id, uuid: `u${id}` })),
  );
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    error: 'invalid_body',
    message: 'payload.object.id: must be a positive whole number',
  });
  expect(await service.queue.count()).toBe(0);
});

it('refuses a numeric id at or above 2^53, which JSON cannot carry exactly', async () => {
  const res = await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: 2 ** 53, uuid: 'too-big' })),
  );
  expect(res.status).toBe(400);
  expect(((await res.json()) as { message: string }).message).toContain('too large');
});
