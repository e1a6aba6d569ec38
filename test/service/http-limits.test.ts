import { eventually, startTestService, type TestService } from '../support/service';
import { openConnection, trickle, within, type RawConnection } from '../support/raw-socket';

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

/** Sends one keep-alive request on `c`: its answer's status, or `closed` when none came. */
async function healthz(c: RawConnection): Promise<string> {
  c.socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  return eventually(
    () => /^HTTP\/1\.1 (\d{3})/.exec(c.received())?.[1] ?? (c.isClosed() ? 'closed' : undefined),
    5000,
  );
}

it('closes a connection that never sends a byte after HTTP_IDLE_TIMEOUT_MS, without an answer', async () => {
  service = await startTestService({
    HTTP_IDLE_TIMEOUT_MS: '1000',
    WEBHOOK_REDIS_BUDGET_MS: '500',
  });
  const silent = await connection();
  // Well before the headers timeout (5 s by default), which would answer 408 instead.
  const { afterMs, received } = await within(silent.closed, 4000, 'silent connection closed');
  expect(received).toBe('');
  expect(afterMs).toBeGreaterThanOrEqual(900);
});

it('answers 408 and closes when headers trickle in past HTTP_HEADERS_TIMEOUT_MS', async () => {
  service = await startTestService({ HTTP_HEADERS_TIMEOUT_MS: '1000' });
  const slow = await connection();
  slow.socket.write('POST /webhooks/zoom HTTP/1.1\r\nHost: test\r\n');
  trickle(slow, 'x', 100); // one byte of a header line every 100 ms: never idle, never complete
  const { afterMs, received } = await within(slow.closed, 5000, 'trickled headers cut off');
  expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(afterMs).toBeGreaterThanOrEqual(900);
});

it('answers 408 and closes when a body trickles in past HTTP_REQUEST_TIMEOUT_MS', async () => {
  service = await startTestService({
    HTTP_HEADERS_TIMEOUT_MS: '500',
    HTTP_REQUEST_TIMEOUT_MS: '1500',
  });
  const slow = await connection();
  slow.socket.write(
    'POST /webhooks/zoom HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\n\r\n{',
  );
  trickle(slow, ' ', 100); // 1,000 bytes at 10 bytes/s would take 100 s
  const { afterMs, received } = await within(slow.closed, 6000, 'trickled body cut off');
  expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(afterMs).toBeGreaterThanOrEqual(1400);
  expect(await service.queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
  // Logged and counted as what happened: the server cut it at the request timeout.
  const line = await eventually(() => service!.logs.lines.find((l) => l.msg === 'webhook handled'));
  expect(line).toMatchObject({ outcome: 'timeout', cutBy: 'request_timeout', status: 408 });
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  expect(metrics).toContain(
    'zlw_webhooks_total{event="unknown",outcome="timeout",account="default"} 1',
  );
  expect(metrics).not.toContain('outcome="invalid"');
});

it('closes a connection whose body stops halfway at HTTP_IDLE_TIMEOUT_MS, logged as a timeout', async () => {
  service = await startTestService({
    HTTP_IDLE_TIMEOUT_MS: '1000',
    WEBHOOK_REDIS_BUDGET_MS: '500',
  });
  const stalled = await connection();
  stalled.socket.write(
    'POST /webhooks/zoom HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\n\r\n{"event":',
  );
  const { received } = await within(stalled.closed, 4000, 'stalled body cut off');
  expect(received).toBe(''); // before the request timeout (10 s), which would answer 408
  const line = await eventually(() => service!.logs.lines.find((l) => l.msg === 'webhook handled'));
  expect(line).toMatchObject({ outcome: 'timeout', cutBy: 'idle_timeout', receivedBytes: 9 });
  expect(line).not.toHaveProperty('status');
});

it('closes connections over HTTP_MAX_CONNECTIONS at once, and takes new ones once capacity frees', async () => {
  service = await startTestService({ HTTP_MAX_CONNECTIONS: '5' });
  const held = await Promise.all(Array.from({ length: 5 }, () => connection()));
  for (const c of held) expect(await healthz(c)).toBe('200'); // accepted, counted, kept alive
  const extra = await connection();
  extra.socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  const refused = await within(extra.closed, 5000, 'connection over the cap closed');
  expect(refused.received).toBe('');
  held[0]!.socket.destroy();
  // The server counts the freed slot once it has seen the close: until then, new ones are refused.
  const status = await eventually(async () => {
    const answer = await healthz(await connection());
    return answer === 'closed' ? undefined : answer;
  }, 10_000);
  expect(status).toBe('200');
});
