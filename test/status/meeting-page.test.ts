import type { Queue } from 'bullmq';
import type { StartJobData } from '../../src/domain/start-job';
import { enqueueStart, recordInstanceFact } from '../../src/queue/start-queue';
import { listMeetingPage } from '../../src/status/meeting-page';
import { listMeetingStatuses } from '../../src/status/read-statuses';
import { roundTrips } from '../support/round-trips';
import { startTestService, type TestService } from '../support/service';

let service: TestService;
const COUNT = 120;
const BASE = Date.parse('2026-01-01T10:00:00Z');

beforeAll(async () => {
  service = await startTestService({ ROLE: 'receiver' });
  // Added oldest last so that "newest first" is not simply the order they were added in.
  for (let i = 0; i < COUNT; i++)
    await enqueueStart(service.queue, {
      kind: 'meeting',
      meetingId: String(850_000_000_00 + i),
      uuid: `page-${i}`,
      topic: i % 10 === 0 ? `Board meeting ${i}` : `Class ${i}`,
      receivedAt: BASE + ((i * 7) % COUNT) * 1000,
      source: 'webhook',
    });
  await recordInstanceFact(service.queue, 'meeting', 'page-3', 'cancelled', Date.now(), 'alice');
});
afterAll(() => service.stop());

it('pages through every instance, newest first', async () => {
  const first = await listMeetingPage([service.queue], { offset: 0, limit: 50 });
  expect(first.total).toBe(COUNT);
  expect(first.rows).toHaveLength(50);
  const times = first.rows.map((r) => Date.parse(r.receivedAt));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(times[0]).toBe(BASE + (COUNT - 1) * 1000);
  const last = await listMeetingPage([service.queue], { offset: 100, limit: 50 });
  expect(last.rows).toHaveLength(20);
  expect(Date.parse(last.rows.at(-1)!.receivedAt)).toBe(BASE);
});

it('filters by text and by state (an operator cancel counts)', async () => {
  const board = await listMeetingPage([service.queue], { text: 'board', offset: 0, limit: 50 });
  expect(board.total).toBe(COUNT / 10);
  expect(board.rows.every((r) => r.topic?.startsWith('Board meeting'))).toBe(true);
  const cancelled = await listMeetingPage([service.queue], {
    state: 'cancelled',
    offset: 0,
    limit: 50,
  });
  expect(cancelled.rows.map((r) => [r.uuid, r.reason])).toEqual([
    ['page-3', 'cancelled by the operator (alice)'],
  ]);
  const waiting = await listMeetingPage([service.queue], {
    state: 'waiting',
    offset: 0,
    limit: 10,
  });
  expect(waiting.total).toBe(COUNT - 1);
});

it('reads a page, and the CLI its list, in three round trips however many jobs there are', async () => {
  // The ids of every state, every job's hash, then the instance facts: no round trip per job.
  const page = (q: Queue<StartJobData>) => listMeetingPage([q], { offset: 0, limit: 50 });
  expect(await roundTrips(service.prefix, page)).toBe(3);
  const filtered = (q: Queue<StartJobData>) =>
    listMeetingPage([q], { state: 'waiting', offset: 0, limit: 50 });
  expect(await roundTrips(service.prefix, filtered)).toBe(3);
  expect(await roundTrips(service.prefix, (q) => listMeetingStatuses([q]))).toBe(3);
});
