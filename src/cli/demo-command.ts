import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { startEmbeddedRedis } from '../redis/embedded-redis';
import { startZoomSandbox, type ZoomSandbox } from '../sandbox/zoom-sandbox';
import { runService } from '../service/run-service';
import { runAccountsDemo } from './demo-accounts';
import { MAX_DEMO_ACCOUNTS } from './demo-accounts-setup';
import { createDemoStory, narrateZoomAnswer, type DemoProgress } from './demo-narration';
import { DEMO_MEETING_ID, sendDemoWebhook } from './demo-webhook';
import type { DemoOptions, DemoRun } from './demo-run';
import { EXIT, type CliIo } from './io';

/** The demo's sweep interval with `--missed-webhook` (60 s by default in the service). */
const DEMO_SWEEP_MS = 2000;

/**
 * `demo`: the whole story on this machine with no Zoom account — embedded Redis, the Zoom sandbox
 * (first start call: 429 "retry after 30 seconds"), the service, and a signed `meeting.started`.
 * With `missedWebhook` no webhook is sent: the meeting is live at the sandbox and the reconcile
 * sweep finds it. Each step is printed from the service's own log lines and the sandbox's answers.
 */
export async function demoCommand(io: CliIo, options: DemoOptions): Promise<number> {
  const began = Date.now();
  const clock = () => new Date().toISOString().slice(11, 19);
  const say = (text: string) => io.out(`${clock()}  ${text}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'zlw-demo-'));
  const demo: DemoRun = {
    io,
    options,
    missed: options.missedWebhook === true,
    delayMs:
      options.delayMs !== undefined ? Number(options.delayMs) : options.short ? 5000 : 30_000,
    say,
    dir,
    cleanups: [() => Promise.resolve(rmSync(dir, { recursive: true, force: true }))],
  };
  const accounts = options.accounts === undefined ? undefined : Number(options.accounts);
  if (
    accounts !== undefined &&
    (!(accounts >= 1 && accounts <= MAX_DEMO_ACCOUNTS) || demo.missed)
  ) {
    io.err(
      `zoom-livestream-worker: --accounts takes 1 to ${MAX_DEMO_ACCOUNTS}, and not with --missed-webhook\n`,
    );
    return EXIT.usage;
  }
  try {
    if (accounts !== undefined) {
      const code = await runAccountsDemo(demo, accounts);
      if (code === EXIT.ok)
        say(
          `done: ${accounts} accounts' streams are live in the sandbox, ${((Date.now() - began) / 1000).toFixed(1)} s in all`,
        );
      return code;
    }
    const code = await runDemo(demo);
    if (code !== EXIT.ok) return code;
    await new Promise((r) => setTimeout(r, 200)); // let the worker's last log line arrive
    say(
      `done: the stream is live in the sandbox, ${((Date.now() - began) / 1000).toFixed(1)} s in all`,
    );
    return EXIT.ok;
  } finally {
    for (const cleanup of demo.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Starts Redis, the sandbox and the service, lets the meeting start, and waits for the stream. */
async function runDemo(demo: DemoRun): Promise<number> {
  const { io, say, missed, delayMs, cleanups } = demo;
  const progress: DemoProgress = { queued: false };
  const redis = await startEmbeddedRedis({ dataDir: join(demo.dir, 'redis'), env: io.env });
  cleanups.push(() => redis.stop());
  say(`embedded Redis on 127.0.0.1:${redis.port} (AOF on, noeviction)`);

  const zoom = await startZoomSandbox({
    rateLimitedStarts: 1,
    onAnswer: narrateZoomAnswer(say, progress),
  });
  cleanups.push(() => zoom.close());
  say(`Zoom sandbox on ${zoom.origin} (the first start call of a meeting gets 429, then 204)`);

  const secret = randomBytes(16).toString('hex');
  const config = demoConfig(redis.url, zoom, secret, demo);
  const service = await runService(
    config,
    createLogger('info', createDemoStory(say, progress, missed)),
  );
  cleanups.push(() => service.close());
  const shortened = demo.options.short || demo.options.delayMs ? ', shortened' : '';
  say(
    `service on ${service.url} (receiver + worker; livestream 429 wait ${delayMs / 1000} s${shortened})`,
  );

  const uuid = `demo-${randomBytes(6).toString('base64url')}==`;
  if (missed) {
    zoom.users.push({ id: 'demo-host', email: 'demo-host@sandbox.example' });
    zoom.declareMeeting({ id: Number(DEMO_MEETING_ID), uuid, hostId: 'demo-host', topic: 'Demo' });
    say(
      `Zoom          meeting ${DEMO_MEETING_ID} is live; its meeting.started webhook is lost (none sent). The sweep runs every ${DEMO_SWEEP_MS / 1000} s here (RECONCILE_INTERVAL_MS, 60 s by default)`,
    );
  } else if (
    !(await sendDemoWebhook(io, say, service.url, secret, uuid, zoom.credentials.accountId))
  )
    return EXIT.failure;
  return waitForStream(io, zoom, Date.now() + delayMs * 2 + 30_000);
}

/** The service's configuration for the demo: everything local, the 429 wait as asked. */
function demoConfig(redisUrl: string, zoom: ZoomSandbox, secret: string, demo: DemoRun): Config {
  return loadConfig({
    ROLE: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'info',
    ZOOM_WEBHOOK_SECRET_TOKEN: secret,
    ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
    ZOOM_CLIENT_ID: zoom.credentials.clientId,
    ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: String(demo.delayMs),
    ...(demo.missed && {
      RECONCILE_USERS: 'demo-host',
      RECONCILE_INTERVAL_MS: String(DEMO_SWEEP_MS),
      PREFLIGHT_LEAD_MS: '0',
    }),
  });
}

/** Waits until the sandbox has started the demo meeting's stream, or the deadline passes. */
async function waitForStream(io: CliIo, zoom: ZoomSandbox, deadline: number): Promise<number> {
  while (!zoom.started.has(DEMO_MEETING_ID)) {
    if (Date.now() > deadline) {
      io.err('the stream did not start in time\n');
      return EXIT.failure;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return EXIT.ok;
}
