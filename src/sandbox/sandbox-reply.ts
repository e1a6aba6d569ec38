import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the sandbox received, as it came. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
  /** The sandbox account the call was made for, once its credentials or token named one. */
  account?: string;
}

/** A scripted answer: a status with JSON body and headers, or a misbehaviour. */
export type ScriptedAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { reset: true }
  | { garbage: true };

/** What the sandbox answers: a status, a JSON body (none for 204) and extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SendReply = (res: ServerResponse, record: RecordedRequest, reply: Reply) => void;

/**
 * Writes the sandbox's answers as Zoom does (an `x-zm-trackingid` on each, JSON bodies), telling
 * `onAnswer` of each one first.
 */
export function createReplier(
  onAnswer?: (request: RecordedRequest, status: number, headers: Record<string, string>) => void,
): SendReply {
  return (res, record, { status, body, headers = {} }) => {
    onAnswer?.(record, status, headers);
    res.setHeader('x-zm-trackingid', `sandbox-${randomBytes(6).toString('hex')}`);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (body === undefined) return void res.writeHead(status).end();
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    res.writeHead(status).end(JSON.stringify(body));
  };
}

/** Plays a scripted answer: sends it (after its delay), or hangs, resets or sends garbage. */
export function playScripted(
  send: SendReply,
  res: ServerResponse,
  record: RecordedRequest,
  answer: ScriptedAnswer,
): void {
  if ('hang' in answer) return;
  if ('reset' in answer) return void res.socket?.destroy();
  if ('garbage' in answer) {
    res.socket?.end('HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n<html>');
    return;
  }
  if (answer.delayMs) setTimeout(() => send(res, record, answer), answer.delayMs);
  else send(res, record, answer);
}
