import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoakProxy {
  url: string;
  setUpstreams(urls: readonly string[]): void;
  close(): Promise<void>;
}

/**
 * The load balancer in front of the receivers: round robin, no sticky sessions, the body
 * buffered so that an upstream refusing the connection is replaced by the next one (as nginx's
 * `proxy_next_upstream error` does); with none left, 502.
 */
export async function startSoakProxy(): Promise<SoakProxy> {
  let upstreams: readonly string[] = [];
  let next = 0;

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number): void {
    if (upstreams.length === 0 || tries >= upstreams.length)
      return void res.writeHead(502).end('no upstream\n');
    const target = new URL(req.url ?? '/', upstreams[next++ % upstreams.length]);
    const out = request(
      target,
      { method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && !res.headersSent)
        return forward(req, res, body, tries + 1);
      if (!res.headersSent) res.writeHead(502).end('upstream failed\n');
      else res.destroy();
    });
    out.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setUpstreams: (urls) => void (upstreams = [...urls]),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
