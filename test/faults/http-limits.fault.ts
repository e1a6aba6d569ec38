import { startTestService, type TestService } from '../support/service';
import { openConnection, type RawConnection } from '../support/raw-socket';
import { meetingEvent, post, signed } from '../support/webhook';

// A wall-clock upper bound (Zoom's 3 s), so in the fault suite rather than in `npm test`.

let service: TestService | undefined;
const open: RawConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.destroy();
  await service?.stop();
  service = undefined;
});

async function connection(): Promise<RawConnection> {
  const c = await openConnection(service!.url);
  open.push(c);
  return c;
}

it('answers a signed webhook 204 within Zoom’s 3 s while 300 idle connections are open', async () => {
  service = await startTestService({
    HTTP_IDLE_TIMEOUT_MS: '60000',
    HTTP_HEADERS_TIMEOUT_MS: '60000',
    HTTP_REQUEST_TIMEOUT_MS: '60000',
  });
  const idle = await Promise.all(Array.from({ length: 300 }, () => connection()));
  const started = performance.now();
  const res = await post(
    service.url,
    signed(meetingEvent('meeting.started', { uuid: 'among-idle' })),
  );
  expect(res.status).toBe(204);
  expect(performance.now() - started).toBeLessThan(3000);
  expect(idle.filter((c) => c.isClosed())).toHaveLength(0); // they were open all along
  expect(await service.queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
});
