import { enqueueStart } from '../../src/queue/start-queue';
import { cli } from '../support/cli';
import { startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

it('status names each start source; a job stored with the old "cli" source reads as manual', async () => {
  service = await startTestService({ ROLE: 'receiver' });
  const env = { QUEUE_PREFIX: service.prefix };
  await post(service.url, signed(meetingEvent('meeting.started', { id: 85000000001, uuid: 'w' })));
  await cli(['trigger', '85000000002', '--uuid', 'm'], env);
  for (const [id, source] of [
    ['85000000003', 'cli'],
    ['85000000004', 'reconcile'],
  ] as const)
    await enqueueStart(service.queue, {
      kind: 'meeting',
      meetingId: id,
      uuid: id,
      receivedAt: Date.now(),
      source,
    });
  const json = JSON.parse((await cli(['status', '--json'], env)).out) as {
    meetingId: string;
    source: string;
  }[];
  expect(Object.fromEntries(json.map((s) => [s.meetingId, s.source]))).toEqual({
    '85000000001': 'webhook',
    '85000000002': 'manual',
    '85000000003': 'manual',
    '85000000004': 'reconcile',
  });
  expect((await cli(['status', '85000000003'], env)).out).toContain('source:        manual');
});
