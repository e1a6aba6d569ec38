import { openConnection, type RawConnection } from '../support/raw-socket';
import { eventually, startTestService, type TestService } from '../support/service';
import { signed } from '../support/webhook';

let service: TestService;
afterEach(() => service.stop());

const CHUNK = 64 * 1024;

type Framing = 'content-length' | 'chunked';

/** A signed delivery of about `bytes` bytes, as raw HTTP: its head and its body. */
function delivery(bytes: number, framing: Framing) {
  const d = signed(JSON.stringify({ event: 'x', payload: { pad: 'x'.repeat(bytes) } }));
  const body = Buffer.from(d.body);
  const headers = { ...d.headers, host: 'test' } as Record<string, string>;
  if (framing === 'chunked') headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(body.length);
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return { head: `POST /webhooks/zoom HTTP/1.1\r\n${lines.join('')}\r\n`, body };
}

function write(c: RawConnection, data: string | Buffer): Promise<string | undefined> {
  return new Promise((done) =>
    c.socket.write(data, (err) =>
      done(err ? ((err as NodeJS.ErrnoException).code ?? err.message) : undefined),
    ),
  );
}

/**
 * Sends the request in 64 KiB pieces, each once the last has been taken, as a client writing from
 * a blocking loop does. Resolves with the first write error (`EPIPE`, `ECONNRESET`), if any.
 */
async function sendRequest(c: RawConnection, bytes: number, framing: Framing) {
  const { head, body } = delivery(bytes, framing);
  let failed = await write(c, head);
  for (let at = 0; at < body.length && !failed; at += CHUNK) {
    const piece = body.subarray(at, at + CHUNK);
    failed =
      framing === 'chunked'
        ? await write(
            c,
            Buffer.concat([
              Buffer.from(`${piece.length.toString(16)}\r\n`),
              piece,
              Buffer.from('\r\n'),
            ]),
          )
        : await write(c, piece);
  }
  if (!failed && framing === 'chunked') failed = await write(c, '0\r\n\r\n');
  return failed;
}

const handled = () => eventually(() => service.logs.lines.find((l) => l.msg === 'webhook handled'));

describe('a body over WEBHOOK_BODY_LIMIT_BYTES', () => {
  it.each([
    [2_000_000, 'content-length'],
    [20_000_000, 'content-length'],
    [2_000_000, 'chunked'],
  ] as const)(
    'of %d bytes (%s) is answered 413 to a client that sends it all before reading',
    async (bytes, framing) => {
      service = await startTestService({ ROLE: 'receiver' });
      const c = await openConnection(service.url);
      const errors: string[] = [];
      c.socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
      c.socket.pause(); // reads nothing until the whole request is written
      const writeError = await sendRequest(c, bytes, framing);
      c.socket.resume();
      const { received } = await c.closed;
      expect(writeError).toBeUndefined(); // not EPIPE: the server took the whole body
      expect(errors).toEqual([]); // closed with a FIN, not a reset
      expect(received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(received).toContain('Connection: close');
      expect(received).toContain('"error":"too_large"');
      expect(await handled()).toMatchObject({ outcome: 'too_large', status: 413, drained: true });
      expect(await service.queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
    },
  );

  // With a 1 KiB limit, at most 128 KiB of a request is read before the 413 and the close.
  it('is answered 413 at once, unread, when it declares more than 128 times the limit', async () => {
    service = await startTestService({ ROLE: 'receiver', WEBHOOK_BODY_LIMIT_BYTES: '1024' });
    const c = await openConnection(service.url);
    const { head, body } = delivery(200_000, 'content-length');
    await write(c, head); // the head only, no body byte
    const { received } = await c.closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(await handled()).toMatchObject({ outcome: 'too_large', declaredBytes: body.length });
  });

  it('is read no further than 128 times the limit when streamed, then answered 413 and closed', async () => {
    service = await startTestService({ ROLE: 'receiver', WEBHOOK_BODY_LIMIT_BYTES: '1024' });
    const c = await openConnection(service.url);
    c.socket.on('error', () => undefined);
    const writeError = await sendRequest(c, 20_000_000, 'chunked');
    const { received } = await c.closed;
    expect(writeError).toMatch(/EPIPE|ECONNRESET/); // the server stopped reading long before
    expect(received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    const line = await handled();
    expect(line).toMatchObject({ outcome: 'too_large', status: 413, drained: false });
    expect(line.receivedBytes).toBeGreaterThan(128 * 1024);
    expect(line.receivedBytes).toBeLessThanOrEqual(128 * 1024 + CHUNK + 16);
  });
});
