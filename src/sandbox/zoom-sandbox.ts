import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequestValidator, type LivestreamPath } from './request-validator';
import { sandboxControl } from './sandbox-control';
import {
  createSandboxDirectory,
  type DeclaredMeeting,
  type SandboxMeeting,
  type SandboxUser,
} from './sandbox-directory';

/** A request the sandbox received, as it came. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A scripted answer: a status with JSON body and headers, or a misbehaviour. */
export type ScriptedAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { reset: true }
  | { garbage: true };

export interface SandboxOptions {
  port?: number;
  host?: string;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  /** How many 429s each meeting's first start calls get before a 204 (Zoom's usual answer). */
  rateLimitedStarts?: number;
  tokenTtlSeconds?: number;
  now?: () => number;
  /** Called with every answer the sandbox gives (the `sandbox` command and the demo print them). */
  onAnswer?: (request: RecordedRequest, status: number) => void;
}

export interface ZoomSandbox {
  origin: string;
  apiBaseUrl: string;
  oauthTokenUrl: string;
  credentials: { accountId: string; clientId: string; clientSecret: string };
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Livestream status/target calls only. */
  livestreamCalls(): RecordedRequest[];
  /** Answers for the next API calls other than GETs, in order, before the default behaviour. */
  script(...answers: ScriptedAnswer[]): void;
  /** Answers for the next GET (list and live-stream details) calls, in order. */
  scriptGets(...answers: ScriptedAnswer[]): void;
  /** Answers for the next OAuth calls, in order. */
  scriptOAuth(...answers: ScriptedAnswer[]): void;
  /** Invalidates every issued token (the next API call gets 401, code 124). */
  revokeTokens(): void;
  /** Stream targets set with `PATCH …/livestream`, by meeting id. */
  streamTargets: Map<string, unknown>;
  /** Started streams, by meeting id. */
  started: Set<string>;
  /** The account's users (`GET /users`); one, `sandbox-host`, to begin with. */
  users: SandboxUser[];
  /**
   * Declares a meeting as Zoom would list it (live unless `status` says otherwise; hosted by the
   * first user) without sending any webhook. Also `POST /sandbox/meetings` over HTTP.
   */
  declareMeeting(meeting: DeclaredMeeting): SandboxMeeting;
  /** List calls only (`GET /users…`), oldest first. */
  listCalls(): RecordedRequest[];
  close(): Promise<void>;
}

const RATE_LIMIT_MESSAGE =
  'Too many requests submitted to start the livestream of this meeting. Please retry after 30 seconds.';

/**
 * A local stand-in for Zoom's OAuth and livestream endpoints, strict where Zoom is: Basic auth on
 * the token call, bearer tokens, `application/json` bodies valid against Zoom's OpenAPI schemas,
 * and the 429 "retry after 30 seconds" on a meeting's first start calls. It also lists users and
 * meetings (`GET /users`, `GET /users/{userId}/meetings`, `GET /meetings/{id}/livestream`; see
 * `sandbox-directory.ts`) for meetings declared live or upcoming without any webhook. The demo, the tests and
 * the benchmarks all use it; `zoom-livestream-worker sandbox` runs it for development.
 */
export async function startZoomSandbox(options: SandboxOptions = {}): Promise<ZoomSandbox> {
  const now = options.now ?? Date.now;
  const credentials = {
    accountId: options.accountId ?? 'sandbox-account',
    clientId: options.clientId ?? 'sandbox-client',
    clientSecret: options.clientSecret ?? 'sandbox-secret',
  };
  const rateLimitedStarts = options.rateLimitedStarts ?? 1;
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const validate = createRequestValidator();
  const tokens = new Map<string, number>();
  const startCalls = new Map<string, number>();
  const apiScript: ScriptedAnswer[] = [];
  const oauthScript: ScriptedAnswer[] = [];
  const getScript: ScriptedAnswer[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const streamTargets = new Map<string, unknown>();
  const started = new Set<string>();
  const current = new WeakMap<ServerResponse, RecordedRequest>();
  const directory = createSandboxDirectory(streamTargets, now);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: now(),
      };
      requests.push(record);
      current.set(res, record);
      const url = new URL(record.path, 'http://sandbox');
      const scripted =
        url.pathname === '/oauth/token'
          ? oauthScript.shift()
          : record.method === 'GET'
            ? getScript.shift()
            : apiScript.shift();
      if (scripted) return answerScripted(res, scripted);
      if (url.pathname === '/oauth/token') return oauth(req, url, res);
      return api(record, url, res);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function answerScripted(res: ServerResponse, answer: ScriptedAnswer): void {
    if ('hang' in answer) return;
    if ('reset' in answer) return void res.socket?.destroy();
    if ('garbage' in answer) {
      res.socket?.end('HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n<html>');
      return;
    }
    if (answer.delayMs)
      setTimeout(() => send(res, answer.status, answer.body, answer.headers), answer.delayMs);
    else send(res, answer.status, answer.body, answer.headers);
  }

  function oauth(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
    if (req.method !== 'POST') return send(res, 405, { reason: 'method not allowed' });
    if (req.headers.authorization !== expected) {
      return send(res, 400, {
        reason: 'Invalid client_id or client_secret',
        error: 'invalid_client',
      });
    }
    if (url.searchParams.get('grant_type') !== 'account_credentials') {
      return send(res, 400, { reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
    }
    if (url.searchParams.get('account_id') !== credentials.accountId) {
      return send(res, 400, {
        reason: 'Invalid request : Account does not exist',
        error: 'invalid_request',
      });
    }
    const token = `sandbox.${randomBytes(16).toString('hex')}`;
    tokens.set(token, now() + tokenTtl * 1000);
    send(res, 200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: tokenTtl,
      scope: 'meeting:write:admin',
      api_url: 'https://api.zoom.us',
    });
  }

  function api(record: RecordedRequest, url: URL, res: ServerResponse): void {
    if (url.pathname.startsWith('/sandbox/')) {
      const answer = sandboxControl(directory, record.method, url.pathname, record.body);
      return send(res, answer.status, answer.body);
    }
    const listed = record.method === 'GET' ? directory.route(url.pathname) : undefined;
    const match = /^\/v2\/(meetings|webinars)\/(\d+)\/livestream(\/status)?$/.exec(url.pathname);
    if (!match && !listed) return send(res, 404, { code: 404, message: 'Not found' });
    if (!listed && record.method !== 'PATCH')
      return send(res, 405, { code: 405, message: 'Method not allowed' });
    const bearer = /^Bearer (.+)$/.exec(record.headers.authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    if (expiry === undefined || expiry < now()) {
      return send(res, 401, { code: 124, message: 'Invalid access token.' });
    }
    if (listed) {
      const answer = directory.get(listed, url.searchParams);
      return send(res, answer.status, answer.body);
    }
    if (!match) return send(res, 404, { code: 404, message: 'Not found' });
    if (!(record.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 400, { code: 300, message: 'Request Body should be a valid JSON object.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      return send(res, 400, { code: 300, message: 'Request Body should be a valid JSON object.' });
    }
    const [, kind, id, status] = match as unknown as [
      string,
      'meetings' | 'webinars',
      string,
      string | undefined,
    ];
    const param = kind === 'meetings' ? '{meetingId}' : '{webinarId}';
    const problems = validate(
      `/${kind}/${param}/livestream${status ?? ''}` as LivestreamPath,
      body,
    );
    if (problems.length > 0)
      return send(res, 400, { code: 300, message: `Validation Failed: ${problems.join('; ')}` });
    if (!status) {
      streamTargets.set(id, body);
      return send(res, 204);
    }
    if ((body as { action: string }).action === 'stop') {
      started.delete(id);
      return send(res, 204);
    }
    const calls = (startCalls.get(id) ?? 0) + 1;
    startCalls.set(id, calls);
    if (calls <= rateLimitedStarts)
      return send(res, 429, { code: 429, message: RATE_LIMIT_MESSAGE });
    started.add(id);
    send(res, 204);
  }

  function send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    const record = current.get(res);
    if (record) options.onAnswer?.(record, status);
    const trackingId = `sandbox-${randomBytes(6).toString('hex')}`;
    res.setHeader('x-zm-trackingid', trackingId);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (body === undefined) return void res.writeHead(status).end();
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    res.writeHead(status).end(JSON.stringify(body));
  }

  await new Promise<void>((done) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', done),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    origin,
    apiBaseUrl: `${origin}/v2`,
    oauthTokenUrl: `${origin}/oauth/token`,
    credentials,
    requests,
    livestreamCalls: () =>
      requests.filter((r) => r.method === 'PATCH' && r.path.includes('/livestream')),
    listCalls: () => requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/users')),
    script: (...answers) => void apiScript.push(...answers),
    scriptOAuth: (...answers) => void oauthScript.push(...answers),
    scriptGets: (...answers) => void getScript.push(...answers),
    revokeTokens: () => tokens.clear(),
    streamTargets,
    started,
    users: directory.users,
    declareMeeting: (meeting) => directory.declare(meeting),
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
