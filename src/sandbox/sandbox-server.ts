import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { createSandboxApi } from './sandbox-api';
import type { ChaosHooks } from './chaos-types';
import type { SandboxOAuth } from './sandbox-oauth';
import {
  playScripted,
  type Reply,
  type RecordedRequest,
  type ScriptedAnswer,
  type SendReply,
} from './sandbox-reply';

/** Answers queued for the next calls, by kind: API calls other than GETs, OAuth calls, GETs. */
export interface Scripts {
  api: ScriptedAnswer[];
  oauth: ScriptedAnswer[];
  gets: ScriptedAnswer[];
}

export interface Handling {
  now: () => number;
  requests: RecordedRequest[];
  scripts: Scripts;
  oauth: SandboxOAuth;
  api: ReturnType<typeof createSandboxApi>;
  send: SendReply;
  /** The soak's chaos mode: trouble before Zoom acts, a lost or slow answer after. */
  chaos?: ChaosHooks | undefined;
}

/** Records a request, then answers it: the next scripted answer if any, else as Zoom would. */
function receive(h: Handling, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: h.now(),
    };
    h.requests.push(record);
    const url = new URL(record.path, 'http://sandbox');
    const isOAuth = url.pathname === '/oauth/token';
    const script = isOAuth
      ? h.scripts.oauth
      : record.method === 'GET'
        ? h.scripts.gets
        : h.scripts.api;
    const scripted = script.shift() ?? h.chaos?.before(record, url);
    if (scripted) return playScripted(h.send, res, record, scripted);
    const reply = (answer: Reply): void => {
      const after = h.chaos?.after(record, answer, res);
      if (after) return playScripted(h.send, res, record, after);
      h.send(res, record, answer);
    };
    if (!isOAuth) {
      const answer = h.api(record, url);
      if (answer instanceof Promise) return void answer.then(reply);
      return reply(answer);
    }
    const { account, ...answer } = h.oauth.issue(record.method, req.headers.authorization, url);
    if (account !== undefined) record.account = account;
    reply(answer);
  });
}

/**
 * Serves the sandbox on `host:port` (0: any free port); `close` drops open sockets so it never
 * waits for a client's keep-alive.
 */
export async function serveSandbox(
  handling: Handling,
  host: string,
  port: number,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => receive(handling, req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(port, host, done));
  const address = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
