import { createServer, type RequestListener, type Server } from 'node:http';
import type { HttpLimits } from '../config/http-limits';

/**
 * Node checks the header and request timeouts on a timer (30 s by default, which let trickled
 * headers live 89 s). Check often enough that a limit is enforced within a fifth of itself.
 */
export function connectionsCheckingInterval(limits: HttpLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.max(50, Math.min(1000, Math.floor(shortest / 5)));
}

/**
 * An HTTP server for `listener` with every limit of {@link HttpLimits} set. What closes what, as
 * measured with real sockets:
 * - a connection that never sends a byte: `server.timeout` (the idle timeout) closes it;
 * - headers or a body trickled byte by byte: Node answers 408 and closes at the headers or
 *   request timeout (it would also close a silent connection, but only at the headers timeout);
 * - a kept-alive connection between requests: the keep-alive timeout (Node adds 1 s);
 * - connections over `maxConnections`: closed at once, before a byte is read.
 */
export function createLimitedServer(listener: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingInterval(limits),
    },
    listener,
  );
  // Socket inactivity, both directions. Without a 'timeout' listener Node destroys the socket.
  server.timeout = limits.idleTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;
}

/** Starts `listener` on `host:port` with `limits`; resolves once listening. */
export function listenWithLimits(
  listener: RequestListener,
  port: number,
  host: string,
  limits: HttpLimits,
): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createLimitedServer(listener, limits);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(server);
    });
  });
}
