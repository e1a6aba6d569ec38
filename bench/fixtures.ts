import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { LIVESTREAM_QUEUE, START_JOB, START_JOB_OPTIONS } from '../src/queue/start-queue';
import { startJobId, type StartJobData } from '../src/domain/start-job';
import { signZoomWebhook } from '../src/webhook/signature';
import { spawnTs, type Child } from './lib';

export const SECRET = 'bench-secret';

/**
 * The V8 flags the service ships with (Dockerfile ENTRYPOINT, `npm start`, the bin's shebang;
 * test/platform/node-runtime.test.ts keeps them equal): the bench measures the process as run.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=16'];

/** What every section gets: one Redis for the whole run and a place to register cleanups. */
export interface BenchContext {
  redisUrl: string;
  redisPort: number;
  admin: Redis;
  cleanups: (() => Promise<unknown>)[];
}

export interface ZoomAt {
  apiBaseUrl: string;
  oauthTokenUrl: string;
  credentials: { accountId: string; clientId: string; clientSecret: string };
}

/** Where a `zoom-livestream-worker sandbox` process listens, with its default credentials. */
export const sandboxAt = (origin: string): ZoomAt => ({
  apiBaseUrl: `${origin}/v2`,
  oauthTokenUrl: `${origin}/oauth/token`,
  credentials: {
    accountId: 'sandbox-account',
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
  },
});

export const zoomEnv = (z: ZoomAt) => ({
  ZOOM_API_BASE_URL: z.apiBaseUrl,
  ZOOM_OAUTH_TOKEN_URL: z.oauthTokenUrl,
  ZOOM_ACCOUNT_ID: z.credentials.accountId,
  ZOOM_CLIENT_ID: z.credentials.clientId,
  ZOOM_CLIENT_SECRET: z.credentials.clientSecret,
});

/**
 * A sandbox Zoom in its own process answering 429 `limited` times per meeting, then 204; with
 * `accounts`, it plays each named account (credentials derived from the name: `credentialsOf`).
 */
export async function sandboxProcess(
  limited: number,
  accounts: readonly string[] = [],
): Promise<Child & { zoom: ZoomAt }> {
  const child = await spawnTs(
    'src/cli.ts',
    [
      'sandbox',
      '--port',
      '0',
      '--rate-limited-starts',
      String(limited),
      ...(accounts.length > 0 ? ['--accounts', accounts.join(',')] : []),
    ],
    {},
    /listening on (http:\S+)/,
  );
  return { ...child, zoom: sandboxAt(child.match[1]!) };
}

/** A signed meeting.started of about 1.5 KB with a fresh uuid each time. */
export function webhook(meetingId = 85012345678) {
  const uuid = randomBytes(12).toString('base64');
  const body = JSON.stringify({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: {
      account_id: 'sandbox-account', // the sandbox's: the receiver refuses another account's
      object: {
        id: meetingId,
        uuid,
        host_id: 'z8yCxTTTTSiw02QgCAp8uQ',
        topic: 'Sunday service',
        agenda: 'x'.repeat(1150),
        type: 2,
        start_time: new Date().toISOString(),
        timezone: 'Europe/Paris',
        duration: 90,
      },
    },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': signZoomWebhook(SECRET, ts, body),
  };
  return { body, uuid, headers };
}

/** autocannon posting signed webhooks with unique uuids (32 connections, 5 s unless told). */
export function cannon(
  url: string,
  options: Partial<autocannon.Options>,
  meetingId: () => number = () => 85012345678,
) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${url}/webhooks/zoom`,
        method: 'POST',
        connections: 32,
        duration: 5,
        requests: [
          {
            setupRequest: (req) => {
              const w = webhook(meetingId());
              return { ...req, method: 'POST', body: w.body, headers: w.headers };
            },
          },
        ],
        ...options,
      },
      (err, result) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    );
  });
}

/** `zoom-livestream-worker start --role <role>` from the sources, ready once it logs its URL. */
export async function serviceProcess(
  role: string,
  env: Record<string, string>,
): Promise<Child & { url: string }> {
  const child = await spawnTs(
    'src/cli.ts',
    ['start', '--role', role],
    { PORT: '0', HOST: '127.0.0.1', ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, ...env },
    /"url":"(http:[^"]+)"[^}]*"msg":"service started"/,
    SERVICE_NODE_FLAGS,
  );
  return { ...child, url: child.match[1]! };
}

/** Adds `count` start jobs (meeting ids from `firstId`) to a queue, in bulk. */
export async function addStartJobs(
  queue: Queue<StartJobData>,
  tag: string,
  count: number,
  firstId: number,
): Promise<void> {
  const jobs = Array.from({ length: count }, (_, i) => {
    const uuid = `${tag}-${i}`;
    return {
      name: START_JOB,
      data: {
        kind: 'meeting' as const,
        meetingId: String(firstId + i),
        uuid,
        receivedAt: Date.now(),
        source: 'cli' as const,
      },
      opts: { ...START_JOB_OPTIONS, jobId: startJobId('meeting', uuid) },
    };
  });
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
}

export const benchQueue = (connection: Redis, prefix: string) =>
  new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
