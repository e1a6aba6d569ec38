import { connect, type Socket } from 'node:net';

/** A plain TCP connection to the service, recording what it receives and when it is closed. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far, as text. */
  received(): string;
  /** True once the connection is closed (by either side). */
  isClosed(): boolean;
  /** Resolves when the connection is closed, with how long after connecting and what came. */
  closed: Promise<{ afterMs: number; received: string }>;
}

/** Opens a TCP connection to `baseUrl` (http://host:port) and waits until it is connected. */
export async function openConnection(baseUrl: string): Promise<RawConnection> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  let data = '';
  let closedFlag = false;
  let connectedAt = performance.now();
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a reset is one of the outcomes under test
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) =>
    socket.once('close', () => {
      closedFlag = true;
      resolve({ afterMs: performance.now() - connectedAt, received: data });
    }),
  );
  // A server over its connection cap may close the connection as soon as it is established.
  await new Promise<void>((resolve) => {
    socket.once('connect', () => {
      connectedAt = performance.now();
      resolve();
    });
    socket.once('close', () => resolve());
  });
  return { socket, received: () => data, isClosed: () => closedFlag, closed };
}

/** Writes `chunk` every `everyMs` until the connection closes; returns a stop function. */
export function trickle(connection: RawConnection, chunk: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (connection.isClosed() || connection.socket.destroyed) clearInterval(timer);
    else connection.socket.write(chunk);
  }, everyMs);
  return () => clearInterval(timer);
}

/** Rejects when `promise` has not settled within `ms`: "still open" is then the failure. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
