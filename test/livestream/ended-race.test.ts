import type { StartResult } from '../../src/domain/start-progress';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await zoom.close();
});

const MEETINGS = [86100000001, 86100000002, 86100000003, 86100000004, 86100000005, 86100000006];
const uuidOf = (id: number) => `race-${id}==`;
const patchesOf = (id: number) =>
  zoom.requests.filter((r) => r.path === `/v2/meetings/${id}/livestream/status`);

it('a meeting.ended acknowledged while starts wait for their pacing slot stops their PATCH; the others start', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  // One call a second: slots 1.1 s apart, so the second start waits for its slot in place.
  service = await startTestService({ ZOOM_MAX_REQUESTS_PER_SECOND: '1' }, zoom);
  const s = service;
  const start = (id: number) =>
    post(s.url, signed(meetingEvent('meeting.started', { id, uuid: uuidOf(id) })));
  const [first, waiting, ...rest] = MEETINGS as [number, number, ...number[]];
  await start(first);
  await eventually(() => patchesOf(first).length === 1);
  // The second reserves the next slot, 1.1 s after the first call, and sleeps until it.
  await start(waiting);
  await eventually(
    async () => (await s.queue.getJobState(startJobId('meeting', uuidOf(waiting)))) === 'active',
  );
  for (const id of rest) await start(id);

  const ended = [waiting, rest[1]!, rest[3]!]; // the one sleeping on its slot, and two paced ones
  const endedAt = new Map<number, number>();
  for (const id of ended) {
    const res = await post(s.url, signed(meetingEvent('meeting.ended', { id, uuid: uuidOf(id) })));
    expect(res.status).toBe(204);
    endedAt.set(id, Date.now());
  }

  for (const id of MEETINGS) {
    const job = await finishedJob(s, startJobId('meeting', uuidOf(id)), 30_000);
    const { state } = job.returnvalue as StartResult;
    expect([id, state]).toEqual([id, ended.includes(id) ? 'cancelled' : 'started']);
  }
  // What Zoom received: no start call for an ended meeting once its end was acknowledged.
  for (const id of ended) expect(patchesOf(id).filter((r) => r.at >= endedAt.get(id)!)).toEqual([]);
  expect(patchesOf(waiting)).toEqual([]);
  expect([...zoom.started].sort()).toEqual(
    MEETINGS.filter((id) => !ended.includes(id)).map(String),
  );
}, 60_000);
