import { Redis } from 'ioredis';
import { createLogger } from '../src/logging/create-logger';
import { createZoomDispatcher } from '../src/zoom/http';
import { createZoomClient } from '../src/zoom/zoom-client';
import { startAccountWorkers, stormyZoom } from './account-workers';

// A worker process for many accounts, composed by bench/account-workers.ts (see there). Env:
// REDIS_URL, QUEUE_PREFIX, ZOOM_API_BASE_URL, ACCOUNTS (names a0, a1, …), RATE (calls/s per
// account), CONCURRENCY, SLOTS_PER_ACCOUNT, INLINE_WAIT_MS, RETRY_DELAY_MS, and STORM_EVERY: the
// first account's every Nth call that reached Zoom is answered as an account-level 429 (1 s).
const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const connection = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const dispatcher = createZoomDispatcher(10_000);
const token = { value: '' };
const tokens = {
  // An in-memory token from the sandbox, as every account's token would be once fetched.
  get: async () => token.value,
  invalidate: async () => undefined,
  verify: async () => 'accepted' as const,
  credentials: () => 'accepted' as const,
};
const stormEvery = Number(env('STORM_EVERY', '0'));

async function main(): Promise<void> {
  const base = env('ZOOM_API_BASE_URL');
  const answer = await fetch(
    `${base.replace(/\/v2$/, '')}/oauth/token?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  token.value = ((await answer.json()) as { access_token: string }).access_token;
  const accounts = Number(env('ACCOUNTS'));
  const workers = startAccountWorkers({
    connection,
    prefix: env('QUEUE_PREFIX'),
    concurrency: Number(env('CONCURRENCY')),
    perAccount: Number(env('SLOTS_PER_ACCOUNT')),
    inlineWaitMs: Number(env('INLINE_WAIT_MS', '250')),
    retryDelayMs: Number(env('RETRY_DELAY_MS', '30000')),
    log: createLogger('warn'),
    accounts: Array.from({ length: accounts }, (_, i) => ({
      name: `a${i}`,
      maxPerSecond: Number(env('RATE')),
      zoom: (pacer) => {
        const client = createZoomClient({
          baseUrl: base,
          dispatcher,
          tokens,
          timeoutMs: 10_000,
          pacer,
        });
        return i === 0 && stormEvery > 0 ? stormyZoom(client, stormEvery) : client;
      },
    })),
  });
  await workers.worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void workers.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
