import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { cli } from '../support/cli';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox | undefined;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom?.close();
  service = undefined;
  zoom = undefined;
});

it('answers "meeting ended" with exit 1 for a start cancelled by the meeting ending', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
  const jobId = startJobId('meeting', 'short-meeting');
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'short-meeting' })));
  await eventually(async () => (await service!.queue.getJob(jobId))?.isDelayed());
  await post(service.url, signed(meetingEvent('meeting.ended', { uuid: 'short-meeting' })));
  await eventually(async () => (await service!.queue.getJobState(jobId)) === 'completed');

  const env = { QUEUE_PREFIX: service.prefix };
  expect(await cli(['retry', '85012345678'], env)).toEqual({
    code: 1,
    out: '',
    err: 'meeting 85012345678 has ended; there is no stream to start\n',
  });
  expect(await cli(['retry', '85012345678', '--uuid', 'short-meeting'], env)).toEqual({
    code: 1,
    out: '',
    err: 'meeting 85012345678 has ended; there is no stream to start\n',
  });
});

it('says when --uuid names an instance of another meeting, and adds nothing (exit 2)', async () => {
  service = await startTestService({ ROLE: 'receiver' });
  const env = { QUEUE_PREFIX: service.prefix };
  await post(service.url, signed(meetingEvent('meeting.started', { id: 111, uuid: 'theirs==' })));
  const run = await cli(['trigger', '222', '--uuid', 'theirs=='], env);
  expect(run.code).toBe(2);
  expect(run.out).toBe('');
  expect(run.err).toBe(
    `instance theirs== belongs to meeting 111, not 222: its start job ${startJobId('meeting', 'theirs==')} is for meeting 111 (nothing added; check the meeting id and --uuid)\n`,
  );
  const jobs = await service.queue.getJobs(['waiting']);
  expect(jobs.map((j) => j.data.meetingId)).toEqual(['111']);
  // The same instance of the same meeting is still a harmless duplicate.
  expect(await cli(['trigger', '111', '--uuid', 'theirs=='], env)).toMatchObject({
    code: 0,
    out: expect.stringContaining('already has a start job'),
  });
});
