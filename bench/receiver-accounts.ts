import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signZoomWebhook } from '../src/webhook/signature';
import { serviceProcess, type BenchContext } from './fixtures';
import { spawnTs } from './lib';
import { record } from './report';
import { pairedRatios } from './stats';

const ROUNDS = 3;
const ACCOUNTS = 100;
const name = (i: number) => `acct-${i}`;
const secretOf = (i: number) => `bench-secret-${i}`;

/** A signed 1.5 KB meeting.started of account `i` (or of the one account when undefined). */
function delivery(i: number | undefined) {
  const body = JSON.stringify({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: {
      account_id: i === undefined ? 'naive-account' : `zoom-${name(i)}`,
      object: {
        id: 85012345678,
        uuid: randomBytes(12).toString('base64'),
        host_id: 'z8yCxTTTTSiw02QgCAp8uQ',
        topic: 'Sunday service',
        agenda: 'x'.repeat(1150),
        type: 2,
        start_time: new Date().toISOString(),
      },
    },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const secret = i === undefined ? 'naive-secret' : secretOf(i);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': signZoomWebhook(secret, ts, body),
  };
  const path = i === undefined ? '/webhooks/zoom' : `/webhooks/zoom/${name(i)}`;
  return { path, body, headers };
}

/** 32 connections for `seconds`, each request to the next account in turn (or the one path). */
function load(url: string, accounts: boolean, seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: 32,
        duration: seconds,
        requests: [
          {
            setupRequest: (req) => {
              const d = delivery(accounts ? next++ % ACCOUNTS : undefined);
              return { ...req, method: 'POST', ...d };
            },
          },
        ],
      },
      (err, result) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    );
  });
}

/**
 * Our receiver serving 100 accounts (an accounts file, 4 queue shards, each request to the next
 * account's path with its own secret) against the naive receiver a user would write for one
 * account (express.json + HMAC + queue.add), interleaved rounds on the same Redis.
 */
export async function receiverAccountsFigures(ctx: BenchContext): Promise<void> {
  console.log(
    `receiver with ${ACCOUNTS} accounts vs a naive express.json + HMAC + queue.add receiver (autocannon, 32 connections; ${ROUNDS} interleaved rounds)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'zlw-bench-accounts-'));
  const file = join(dir, 'accounts.yaml');
  const env: Record<string, string> = {};
  const lines = ['accounts:'];
  for (let i = 0; i < ACCOUNTS; i++) {
    lines.push(`  - name: ${name(i)}`, `    zoom_account_id: zoom-${name(i)}`);
    lines.push(`    webhook_secret_token: \${SECRET_${i}}`);
    env[`SECRET_${i}`] = secretOf(i);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const ours = await serviceProcess('receiver', {
    ...env,
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: 'bench-accounts',
    QUEUE_SHARDS: '4',
    ACCOUNTS_FILE: file,
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
  });
  const naive = await spawnTs(
    'bench/baseline-naive-receiver.ts',
    [],
    { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: 'bench-naive', NAIVE_SECRET: 'naive-secret' },
    /listening (\d+)/,
  );
  ctx.cleanups.push(
    () => ours.stop(),
    () => naive.stop(),
  );
  const naiveUrl = `http://127.0.0.1:${naive.match[1]}`;
  await load(ours.url, true, 2); // warm-up both
  await load(naiveUrl, false, 2);
  const subject: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['naive', 'ours'] as const) : (['ours', 'naive'] as const);
    for (const who of order) {
      const result = await load(who === 'ours' ? ours.url : naiveUrl, who === 'ours', 3);
      if (result.non2xx > 0)
        throw new Error(
          `${who} answered ${result.non2xx} non-2xx: ${JSON.stringify(result.statusCodeStats)}`,
        );
      (who === 'ours' ? subject : baseline).push(result.requests.average);
    }
  }
  const t = pairedRatios(subject, baseline);
  record({
    name: `receiver throughput, ${ACCOUNTS} accounts vs naive receiver`,
    unit: 'req/s',
    ...t,
    target: 'ratio >= 0.8',
    pass: t.ratio >= 0.8,
  });
  await ours.stop();
  await naive.stop();
}
