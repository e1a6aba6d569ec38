import type { IncomingMessage } from 'node:http';

/**
 * How much of an over-limit body is read and thrown away, as a multiple of the body limit (32 MiB
 * for the default 256 KiB). A client that writes its whole body before reading the answer only
 * sees the 413 if the server reads that body to its end: closing a socket with unread data sends
 * a reset, which discards the answer on the client's side (it reads `EPIPE` or `ECONNRESET`).
 */
export const DISCARD_FACTOR = 128;

/** The most bytes of one request read before the receiver answers 413 and closes regardless. */
export function discardLimitBytes(bodyLimitBytes: number): number {
  return bodyLimitBytes * DISCARD_FACTOR;
}

/** Why a body stopped arriving before its end. */
export type CutBy =
  /** `HTTP_REQUEST_TIMEOUT_MS` passed: Node answered 408 and closed. */
  | 'request_timeout'
  /** Nothing arrived for `HTTP_IDLE_TIMEOUT_MS`: closed without an answer. */
  | 'idle_timeout'
  /** The client closed or reset the connection. */
  | 'client';

export type BodyRead =
  | { kind: 'complete'; body: Buffer }
  /** Over `maxBytes`; `drained` when it was read to its end within the discard limit. */
  | { kind: 'too_large'; receivedBytes: number; drained: boolean }
  | { kind: 'cut'; by: CutBy; receivedBytes: number };

/**
 * Reads a request body of at most `maxBytes` into memory. Past that, the rest is read and thrown
 * away (nothing more is buffered) until the body ends or `discardBytes` have been read in all, so
 * the 413 can be delivered; the request timeout bounds how long that may take.
 */
export function readBody(
  req: IncomingMessage,
  limits: { maxBytes: number; discardBytes: number },
): Promise<BodyRead> {
  return new Promise((settle) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let idle = false;
    const onIdle = () => (idle = true);
    const finish = (result: BodyRead) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      req.socket.off('timeout', onIdle);
      settle(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limits.maxBytes) chunks.push(chunk);
      else chunks.length = 0;
      if (received > limits.discardBytes) {
        req.pause();
        finish({ kind: 'too_large', receivedBytes: received, drained: false });
      }
    };
    const onEnd = () =>
      finish(
        received > limits.maxBytes
          ? { kind: 'too_large', receivedBytes: received, drained: true }
          : { kind: 'complete', body: Buffer.concat(chunks, received) },
      );
    const onClose = () => finish({ kind: 'cut', by: cutBy(req, idle), receivedBytes: received });
    if (req.destroyed) return onClose(); // gone before anything was read: no 'close' to wait for
    // The server's own 'timeout' listener closes the socket; this one only notes that it fired.
    req.socket.on('timeout', onIdle);
    req.on('data', onData).on('end', onEnd).on('close', onClose);
  });
}

function cutBy(req: IncomingMessage, idle: boolean): CutBy {
  // Node's request timeout destroys the socket with this error after answering 408.
  const errored: Partial<NodeJS.ErrnoException> | null = req.socket.errored;
  if (errored?.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return idle ? 'idle_timeout' : 'client';
}
