import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signZoomWebhook } from '../src/webhook/signature';
import { serviceProcess, type BenchContext } from './fixtures';
import { spawnTs } from './lib';
import { record } from './report';
import { pairedRatios } from './stats';

const ROUNDS = 6;
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

type Who = 'naive' | 'one' | 'many';

/**
 * Our receiver serving 100 accounts (an accounts file, 4 queue shards, each request to the next
 * account's path with its own secret) against the naive receiver a user would write for one
 * account (express.json + HMAC + queue.add), and against our receiver with its one default
 * account (what accounts cost), in interleaved rounds on the same Redis.
 */
export async function receiverAccountsFigures(ctx: BenchContext): Promise<void> {
  console.log(
    `receiver with ${ACCOUNTS} accounts vs one account vs a naive express.json + HMAC + queue.add receiver (autocannon, 32 connections; ${ROUNDS} interleaved rounds)`,
  );
  const many = await serviceProcess('receiver', {
    ...accountsFile(),
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: 'bench-accounts',
    QUEUE_SHARDS: '4',
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
  });
  ctx.cleanups.push(() => many.stop());
  const one = await serviceProcess('receiver', {
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: 'bench-one-account',
    ZOOM_WEBHOOK_SECRET_TOKEN: 'naive-secret',
  });
  ctx.cleanups.push(() => one.stop());
  const naive = await spawnTs(
    'bench/baseline-naive-receiver.ts',
    [],
    { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: 'bench-naive', NAIVE_SECRET: 'naive-secret' },
    /listening (\d+)/,
  );
  ctx.cleanups.push(() => naive.stop());
  const urls: Record<Who, string> = {
    naive: `http://127.0.0.1:${naive.match[1]}`,
    one: one.url,
    many: many.url,
  };
  const rates: Record<Who, number[]> = { naive: [], one: [], many: [] };
  // CPU time per request, read from /proc: unlike throughput, barely moved by a busy machine.
  const cpu: Record<Who, number[]> = { naive: [], one: [], many: [] };
  const pids: Record<Who, number> = {
    naive: naive.child.pid!,
    one: one.child.pid!,
    many: many.child.pid!,
  };
  for (const who of ['naive', 'one', 'many'] as const) await load(urls[who], who === 'many', 2);
  const orders: Who[][] = [
    ['naive', 'one', 'many'],
    ['many', 'naive', 'one'],
    ['one', 'many', 'naive'],
  ];
  for (let r = 0; r < ROUNDS; r++) {
    // Each goes first, second and last in turn, so none always gets the quieter part of a round.
    for (const who of orders[r % orders.length]!) {
      const before = cpuMs(pids[who]);
      const result = await load(urls[who], who === 'many', 3);
      cpu[who].push((cpuMs(pids[who]) - before) / result.requests.total);
      if (result.non2xx > 0)
        throw new Error(
          `${who} answered ${result.non2xx} non-2xx: ${JSON.stringify(result.statusCodeStats)}`,
        );
      rates[who].push(result.requests.average);
    }
  }
  const vsNaive = pairedRatios(rates.many, rates.naive);
  record({
    name: `receiver throughput, ${ACCOUNTS} accounts vs naive receiver`,
    unit: 'req/s',
    ...vsNaive,
    target: 'ratio >= 0.8',
    pass: vsNaive.ratio >= 0.8,
  });
  const vsOne = pairedRatios(rates.many, rates.one);
  record({
    name: `receiver throughput, ${ACCOUNTS} accounts vs 1 account`,
    unit: 'req/s',
    ...vsOne,
    target: 'ratio >= 0.9',
    pass: vsOne.ratio >= 0.9,
  });
  for (const [name, base] of [
    ['naive receiver', 'naive'],
    ['1 account', 'one'],
  ] as const) {
    const t = pairedRatios(cpu.many, cpu[base]);
    const us = { ...t, value: t.value * 1000, baseline: t.baseline * 1000 };
    record({
      name: `receiver CPU per request, ${ACCOUNTS} accounts vs ${name}`,
      unit: 'µs',
      ...us,
      target: '-',
      pass: true,
    });
  }
  await Promise.all([many.stop(), one.stop(), naive.stop()]);
}

/** User + system CPU time a process has used so far, in ms (Linux /proc, 10 ms ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15)
}

/** An accounts file of {@link ACCOUNTS} accounts, and the variables its secrets refer to. */
function accountsFile(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'zlw-bench-accounts-'));
  const file = join(dir, 'accounts.yaml');
  const env: Record<string, string> = { ACCOUNTS_FILE: file };
  const lines = ['accounts:'];
  for (let i = 0; i < ACCOUNTS; i++) {
    lines.push(`  - name: ${name(i)}`, `    zoom_account_id: zoom-${name(i)}`);
    lines.push(`    webhook_secret_token: \${SECRET_${i}}`);
    env[`SECRET_${i}`] = secretOf(i);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return env;
}
