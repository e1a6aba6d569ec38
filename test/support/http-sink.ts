import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpSink {
  url: string;
  received: { at: number; body: unknown }[];
  /** Status answered to each POST (default 200). */
  status: number;
  close: () => Promise<void>;
}

/** A local endpoint that records JSON POSTs (an alert receiver, a Slack stand-in). */
export async function startHttpSink(): Promise<HttpSink> {
  const sink: Omit<HttpSink, 'url' | 'close'> = { received: [], status: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      sink.received.push({ at: Date.now(), body: JSON.parse(body || 'null') });
      res.writeHead(sink.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${port}/alerts`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
