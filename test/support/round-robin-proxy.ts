import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** For each request, in order: its method, path and the upstream that answered it. */
  served: { method: string; path: string; upstream: number; status: number }[];
  close(): Promise<void>;
}

/**
 * A load balancer without sticky sessions, as a plain HTTP proxy: each request goes to the next
 * upstream in turn, with its headers (Host included) as the browser sent them.
 */
export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served: RoundRobinProxy['served'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const upstream = next++ % upstreams.length;
    const target = new URL(req.url ?? '/', upstreams[upstream]);
    const forward = request(
      target,
      { method: req.method, headers: req.headers, agent: false },
      (answer) => {
        served.push({
          method: req.method ?? '',
          path: req.url ?? '',
          upstream,
          status: answer.statusCode ?? 0,
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream unreachable\n');
    });
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
