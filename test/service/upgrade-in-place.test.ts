import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

/**
 * Starts exactly as the release before accounts stored them: no `account` in the data, the bare
 * `meeting-<base64url uuid>` job id, in the `livestream` queue under QUEUE_PREFIX. Written here by
 * hand (not with today's helpers), so a change to today's job shape cannot hide from this test.
 */
const previousRelease = (uuid: string, meetingId: string) => ({
  id: `meeting-${Buffer.from(uuid, 'utf8').toString('base64url')}`,
  data: {
    kind: 'meeting' as const,
    meetingId,
    uuid,
    topic: `Stored before accounts ${meetingId}`,
    hostId: 'host-1',
    meetingType: 2,
    receivedAt: Date.now(),
    source: 'webhook' as const,
  },
});

let zoom: ZoomSandbox;
let service: TestService;
afterEach(async () => {
  await service.stop();
  await zoom.close();
});

it('starts every waiting start of the previous release once, and still deduplicates its redeliveries', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  // The worker waits until the old jobs are in place: a receiver first, then the whole service.
  service = await startTestService({ ROLE: 'receiver' });
  const stored = [
    previousRelease('old-waiting-1==', '81000000001'),
    previousRelease('old-waiting-2==', '81000000002'),
    previousRelease('old-delayed-1==', '81000000003'),
  ];
  for (const [i, job] of stored.entries())
    await service.queue.add('start-livestream', job.data, {
      jobId: job.id,
      ...(i === 2 && { delay: 300 }),
    });
  const prefix = service.prefix;
  await service.stop();

  service = await startTestService({ QUEUE_PREFIX: prefix }, zoom);
  // A redelivery of a stored start, as Zoom sends it after the upgrade.
  const again = meetingEvent('meeting.started', { id: 81000000001, uuid: 'old-waiting-1==' });
  expect((await post(service.url, signed(again))).status).toBe(204);

  const done = await eventually(async () => {
    const jobs = await service.queue.getJobs(['completed']);
    return jobs.length === stored.length ? jobs : undefined;
  });
  expect(done.map((j) => j.id).sort()).toEqual(stored.map((j) => j.id).sort());
  const calls = zoom.livestreamCalls().map((c) => c.path);
  for (const { data } of stored)
    expect(calls.filter((p) => p.includes(`/meetings/${data.meetingId}/`))).toHaveLength(1);
  expect(await service.queue.getJobCounts('wait', 'delayed', 'active', 'failed')).toEqual({
    wait: 0,
    delayed: 0,
    active: 0,
    failed: 0,
  });
});
