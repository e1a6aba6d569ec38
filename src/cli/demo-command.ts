import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { startEmbeddedRedis } from '../redis/embedded-redis';
import { startZoomSandbox } from '../sandbox/zoom-sandbox';
import { RECONCILED_MESSAGE } from '../reconcile/sweep';
import { runService } from '../service/run-service';
import { signZoomWebhook } from '../webhook/signature';
import { EXIT, type CliIo } from './io';

const MEETING_ID = '85012345678';
/** The demo's sweep interval with `--missed-webhook` (60 s by default in the service). */
const DEMO_SWEEP_MS = 2000;

/**
 * `demo`: the whole story on this machine with no Zoom account — embedded Redis, the Zoom sandbox
 * (first start call: 429 "retry after 30 seconds"), the service, and a signed `meeting.started`.
 * With `missedWebhook` no webhook is sent: the meeting is live at the sandbox and the reconcile
 * sweep finds it. Each step is printed from the service's own log lines and the sandbox's answers.
 */
export async function demoCommand(
  io: CliIo,
  options: { short?: boolean; delayMs?: string; missedWebhook?: boolean },
): Promise<number> {
  const missed = options.missedWebhook === true;
  let queued = false;
  const delayMs =
    options.delayMs !== undefined ? Number(options.delayMs) : options.short ? 5000 : 30_000;
  const began = Date.now();
  const clock = () => new Date().toISOString().slice(11, 19);
  const say = (text: string) => io.out(`${clock()}  ${text}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'zlw-demo-'));
  const secret = randomBytes(16).toString('hex');
  const cleanups: (() => Promise<unknown>)[] = [
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  try {
    const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), env: io.env });
    cleanups.push(() => redis.stop());
    say(`embedded Redis on 127.0.0.1:${redis.port} (AOF on, noeviction)`);

    const zoom = await startZoomSandbox({
      rateLimitedStarts: 1,
      onAnswer: (req, status) => {
        if (req.path.startsWith('/oauth/token'))
          return say(
            `Zoom OAuth    POST /oauth/token → ${status} (Server-to-Server token, shared through Redis)`,
          );
        if (req.method === 'GET') {
          if (!queued)
            say(`Zoom API      GET ${req.path} → ${status} (the sweep asks what is live)`);
          return;
        }
        say(
          `Zoom API      ${req.method} ${req.path} ${req.body} → ${status}${status === 429 ? ' Too many requests: "retry after 30 seconds"' : ''}`,
        );
      },
    });
    cleanups.push(() => zoom.close());
    say(`Zoom sandbox on ${zoom.origin} (the first start call of a meeting gets 429, then 204)`);

    const story = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          narrate(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const narrate = (line: Record<string, unknown>) => {
      if (line.msg === 'webhook handled' && line.event === 'meeting.started')
        say(
          `receiver      webhook ${String(line.outcome)} (${String(line.status)}); start job ${String(line.jobId)} stored in Redis`,
        );
      if (line.msg === 'livestream start deferred')
        say(
          `worker        will try again at ${String(line.nextAttemptAt).slice(11, 19)} (${String(line.reason)}); the wait is a delayed job in Redis`,
        );
      if (line.msg === RECONCILED_MESSAGE) {
        queued = true;
        say(
          `reconcile     meeting ${String(line.meetingId)} is live with no start job: start job ${String(line.jobId)} queued (source reconcile; with ALERT_WEBHOOK_URL set, a webhook_missed alert goes out)`,
        );
      }
      if (line.msg === 'livestream started')
        say(
          `worker        stream started after ${String(line.attempts)} attempts, ${((line.latencyMs as number) / 1000).toFixed(1)} s after ${missed ? 'the sweep queued it' : 'meeting.started'}`,
        );
      if (line.msg === 'livestream start failed')
        say(`worker        start failed: ${String(line.reason)}`);
    };
    const config = loadConfig({
      ROLE: 'all',
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      ZOOM_WEBHOOK_SECRET_TOKEN: secret,
      ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
      ZOOM_CLIENT_ID: zoom.credentials.clientId,
      ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
      LIVESTREAM_RETRY_DELAY_MS: String(delayMs),
      ...(missed && {
        RECONCILE_USERS: 'demo-host',
        RECONCILE_INTERVAL_MS: String(DEMO_SWEEP_MS),
        PREFLIGHT_LEAD_MS: '0',
      }),
    });
    const service = await runService(config, createLogger('info', story));
    cleanups.push(() => service.close());
    say(
      `service on ${service.url} (receiver + worker; livestream 429 wait ${delayMs / 1000} s${options.short || options.delayMs ? ', shortened' : ''})`,
    );

    const uuid = `demo-${randomBytes(6).toString('base64url')}==`;
    if (missed) {
      zoom.users.push({ id: 'demo-host', email: 'demo-host@sandbox.example' });
      zoom.declareMeeting({ id: Number(MEETING_ID), uuid, hostId: 'demo-host', topic: 'Demo' });
      say(
        `Zoom          meeting ${MEETING_ID} is live; its meeting.started webhook is lost (none sent). The sweep runs every ${DEMO_SWEEP_MS / 1000} s here (RECONCILE_INTERVAL_MS, 60 s by default)`,
      );
    } else if (!(await sendWebhook(io, say, service.url, secret, uuid))) return EXIT.failure;

    const deadline = Date.now() + delayMs * 2 + 30_000;
    while (!zoom.started.has(MEETING_ID)) {
      if (Date.now() > deadline) {
        io.err('the stream did not start in time\n');
        return EXIT.failure;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200)); // let the worker's last log line arrive
    say(
      `done: the stream is live in the sandbox, ${((Date.now() - began) / 1000).toFixed(1)} s in all`,
    );
    return EXIT.ok;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Sends the signed `meeting.started` as Zoom would; false when it was not answered 204. */
async function sendWebhook(
  io: CliIo,
  say: (text: string) => void,
  url: string,
  secret: string,
  uuid: string,
): Promise<boolean> {
  const body = JSON.stringify({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: {
      account_id: 'demo',
      object: {
        id: Number(MEETING_ID),
        uuid,
        host_id: 'demo-host',
        topic: 'Demo: Sunday service',
        type: 2,
        start_time: new Date().toISOString(),
        duration: 60,
      },
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  say(`Zoom → us     POST /webhooks/zoom meeting.started (meeting ${MEETING_ID}, signed)`);
  const res = await fetch(`${url}/webhooks/zoom`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': signZoomWebhook(secret, timestamp, body),
    },
    body,
  });
  if (res.status !== 204) io.err(`the webhook was answered ${res.status}, expected 204\n`);
  return res.status === 204;
}
