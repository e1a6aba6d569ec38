import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config/load-config';
import { createLogger } from '../src/logging/create-logger';
import { startEmbeddedRedis } from '../src/redis/embedded-redis';
import { startZoomSandbox } from '../src/sandbox/zoom-sandbox';
import { runService } from '../src/service/run-service';

/**
 * `npx tsx bench/reconcile-sweep.ts [users]`: one reconcile sweep over `users` (100) sandbox
 * users with RECONCILE_USERS=all and the shipped pacing and preflight defaults; the last user
 * hosts a live meeting that no webhook announced. Prints the Zoom calls the sweep made, its
 * duration, and when the missed meeting's first start call went out.
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100);
  const redis = await startEmbeddedRedis({
    dataDir: mkdtempSync(join(tmpdir(), 'zlw-bench-')),
    env: process.env,
  });
  const zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  zoom.users.splice(0);
  for (let i = 1; i <= count; i++) zoom.users.push({ id: `u-${i}`, email: `u${i}@example.com` });
  zoom.declareMeeting({ id: 85099999999, hostId: `u-${count}` });
  const sweeps: Record<string, unknown>[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === 'reconcile sweep done') sweeps.push(parsed);
      }
      done();
    },
  });
  const began = Date.now();
  const service = await runService(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      ZOOM_WEBHOOK_SECRET_TOKEN: 'bench',
      ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
      ZOOM_CLIENT_ID: zoom.credentials.clientId,
      ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
      RECONCILE_USERS: 'all',
    }),
    createLogger('info', logs),
  );
  while (sweeps.length === 0 || zoom.livestreamCalls().length === 0)
    await new Promise((r) => setTimeout(r, 20));
  const gets = zoom.requests.filter((r) => r.method === 'GET');
  const firstGet = gets[0]!.at;
  const start = zoom.livestreamCalls()[0];
  console.log(
    JSON.stringify(
      {
        users: count,
        zoomCallsInSweep: gets.length,
        byEndpoint: {
          users: gets.filter((r) => r.path.startsWith('/v2/users?')).length,
          live: gets.filter((r) => r.path.includes('type=live')).length,
          upcoming: gets.filter((r) => r.path.includes('type=upcoming')).length,
        },
        sweepDurationMs: sweeps[0]!.durationMs,
        firstListCallToStartPatchMs: start ? start.at - firstGet : null,
        serviceStartToFirstListCallMs: firstGet - began,
      },
      null,
      2,
    ),
  );
  await service.close();
  await zoom.close();
  await redis.stop();
}

void main();
