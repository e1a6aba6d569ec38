import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { readProgress, type StartResult } from '../../src/domain/start-progress';
import { initialShard, shardPrefix } from '../../src/queue/shards';
import { startAccountsZoom, type AccountsZoom } from '../support/accounts-zoom';
import {
  startAccountsService,
  tempDir,
  writeAccountsFile,
  type AccountEntry,
  type AccountsService,
} from '../support/accounts-service';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { redisUrl } from '../support/redis';
import { eventually } from '../support/service';

const APPS = {
  default: {
    accountId: 'zoom-acct-default',
    clientId: 'client-default',
    clientSecret: 'secret-default-1',
  },
  campus: {
    accountId: 'zoom-acct-campus',
    clientId: 'client-campus',
    clientSecret: 'secret-campus-1',
  },
};
const SECRETS = {
  DEFAULT_SECRET: APPS.default.clientSecret,
  CAMPUS_SECRET: APPS.campus.clientSecret,
};

let zoom: AccountsZoom;
let sink: HttpSink;
let redis: Redis;
const services: AccountsService[] = [];
beforeEach(async () => {
  zoom = await startAccountsZoom(Object.values(APPS));
  sink = await startHttpSink();
  redis = new Redis(redisUrl());
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  redis.disconnect();
  await sink.close();
  await zoom.close();
});

function entry(name: keyof typeof APPS, extra: AccountEntry = {}): AccountEntry {
  return {
    name,
    zoom_account_id: APPS[name].accountId,
    client_id: APPS[name].clientId,
    client_secret: `\${${name.toUpperCase()}_SECRET}`,
    ...extra,
  };
}

async function start(
  accounts: AccountEntry[],
  env: Record<string, string> = {},
  dir = tempDir(),
): Promise<AccountsService> {
  const s = await startAccountsService(accounts, { ...SECRETS, ...env }, { zoom, dir });
  services.push(s);
  return s;
}

/** The job once it has finished (completed or failed). */
async function finished(s: AccountsService, account: string, jobId: string): Promise<Job> {
  const queue = await s.queues.forAccount(account);
  return eventually(async () => {
    const state = await queue.getJobState(jobId);
    return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : undefined;
  }, 15_000);
}

async function progressOf(s: AccountsService, account: string, jobId: string) {
  const job = await (await s.queues.forAccount(account)).getJob(jobId);
  return readProgress(job?.progress);
}

const callsOf = (accountId: string) => zoom.calls.filter((c) => c.accountId === accountId);
const scrape = async (s: AccountsService) => (await fetch(`${s.url}/metrics`)).text();

it('starts each account with its own token and rules; the same meeting number in two accounts is two starts; an old job is the default account’s', async () => {
  const dir = tempDir();
  const campusRules = join(dir, 'campus-rules.yaml');
  writeFileSync(
    campusRules,
    'rules:\n  - { name: no-3001, action: skip, match: { meeting_ids: ["3001"] } }\n  - { name: all, action: stream }\n',
  );
  const s = await start([entry('default'), entry('campus', { rules_file: campusRules })], {}, dir);

  const old = await s.enqueue(undefined, '1001'); // the job shape of the release before accounts
  const campusSame = await s.enqueue('campus', '1001', 'u-1001'); // same number, same uuid
  const campusOther = await s.enqueue('campus', '2001');
  const campusSkipped = await s.enqueue('campus', '3001');
  const defaultNotSkipped = await s.enqueue(undefined, '3001');
  const ghost = await s.enqueue('ghost', '4001');
  expect(campusSame).not.toBe(old);

  for (const [account, id] of [
    ['default', old],
    ['campus', campusSame],
    ['campus', campusOther],
    ['default', defaultNotSkipped],
  ] as const)
    expect(((await finished(s, account, id)).returnvalue as StartResult).state).toBe('started');
  expect(((await finished(s, 'campus', campusSkipped)).returnvalue as StartResult).state).toBe(
    'skipped',
  );
  // An account this process never had (a newer accounts file elsewhere): it waits, not cancelled.
  const waiting = await eventually(async () => {
    const job = await (await s.queues.forAccount('ghost')).getJob(ghost);
    return job && (await job.isDelayed()) ? job : undefined;
  });
  expect(readProgress(waiting.progress)).toMatchObject({
    state: 'waiting',
    reason: 'account unknown',
  });

  // At the fake: each PATCH carried its own account's token.
  expect(
    callsOf(APPS.default.accountId)
      .map((c) => c.meetingId)
      .sort(),
  ).toEqual(['1001', '3001']);
  expect(
    callsOf(APPS.campus.accountId)
      .map((c) => c.meetingId)
      .sort(),
  ).toEqual(['1001', '2001']);
  expect(zoom.calls.filter((c) => c.accountId === undefined)).toEqual([]);
  expect(zoom.calls.some((c) => c.meetingId === '4001')).toBe(false);

  const metrics = await scrape(s);
  expect(metrics).toContain(
    'zlw_livestream_start_outcomes_total{account="campus",outcome="started"} 2',
  );
  expect(metrics).toContain(
    'zlw_livestream_start_outcomes_total{account="default",outcome="started"} 2',
  );
  expect(metrics).toContain('zlw_oauth_token_fetches_total{account="campus",outcome="ok"} 1');
  expect(metrics).toContain(
    'zlw_zoom_requests_total{account="campus",endpoint="livestream.status",status="204"} 2',
  );
  expect(await scrape(s)).not.toContain('ghost'); // never a label from job data
  expect(
    s.logs.lines.some(
      (l) =>
        l.msg === 'livestream start waits: this process does not know the account (yet)' &&
        l.account === 'ghost',
    ),
  ).toBe(true);
}, 40_000);

it('a reload that gives an account another rules file applies it and no longer reads the old one', async () => {
  const dir = tempDir();
  const oldRules = join(dir, 'old-rules.yaml');
  const newRules = join(dir, 'new-rules.yaml');
  const skip = (id: string) =>
    `rules:\n  - { name: no-${id}, action: skip, match: { meeting_ids: ["${id}"] } }\n  - { name: all, action: stream }\n`;
  writeFileSync(oldRules, skip('3001'));
  writeFileSync(newRules, skip('3002'));
  const s = await start([entry('default'), entry('campus', { rules_file: oldRules })], {}, dir);
  const stateOf = async (id: string, uuid: string) =>
    ((await finished(s, 'campus', await s.enqueue('campus', id, uuid))).returnvalue as StartResult)
      .state;
  expect(await stateOf('3001', 'before-1')).toBe('skipped');

  rmSync(oldRules); // the old file is gone with the change, as an operator would tidy up
  s.rewrite([entry('default'), entry('campus', { rules_file: newRules })]);
  expect(await stateOf('3001', 'after-1')).toBe('started');
  expect(await stateOf('3002', 'after-2')).toBe('skipped');
  expect(
    s.logs.lines.filter((l) => String(l.msg).startsWith('livestream rules not reloaded')),
  ).toEqual([]);
}, 30_000);

it("one account's rejected credentials: the other keeps starting, /readyz stays 200 naming it, one alert; a new client_secret_file takes effect on reload", async () => {
  const dir = tempDir();
  const secretFile = join(dir, 'campus-secret');
  writeFileSync(secretFile, 'a-wrong-secret-7f3a\n');
  const { client_secret: _, ...campus } = entry('campus', { alert_webhook_url: sink.url });
  const accounts = [entry('default'), { ...campus, client_secret_file: secretFile }];
  const s = await start(accounts, {}, dir);

  const waiting = await Promise.all(['5001', '5002', '5003'].map((id) => s.enqueue('campus', id)));
  const started = await s.enqueue(undefined, '5001');
  expect(((await finished(s, 'default', started)).returnvalue as StartResult).state).toBe(
    'started',
  );
  for (const id of waiting)
    await eventually(async () => {
      const p = await progressOf(s, 'campus', id);
      return p.attempts >= 2 && p.reason === 'oauth_rejected';
    });
  expect(callsOf(APPS.campus.accountId)).toEqual([]);

  const ready = await fetch(`${s.url}/readyz`);
  expect(ready.status).toBe(200);
  const body = (await ready.json()) as { status: string; warnings?: string[] };
  expect(body.status).toBe('ready');
  expect(body.warnings).toEqual([expect.stringContaining('client credentials of account campus')]);
  const metrics = await scrape(s);
  expect(metrics).toContain('zlw_zoom_credentials_rejected{account="campus"} 1');
  expect(metrics).toContain('zlw_zoom_credentials_rejected{account="default"} 0');
  expect(metrics).toContain('zlw_ready 1');

  await eventually(() => sink.received.length >= 1);
  expect(sink.received).toHaveLength(1);
  expect(sink.received[0]!.body).toMatchObject({
    type: 'credentials_rejected',
    account: 'campus',
    text: expect.stringContaining('(account campus)'),
  });

  // The secret is rotated in its file; SIGHUP: the waiting starts go through, no restart.
  writeFileSync(secretFile, `${APPS.campus.clientSecret}\n`);
  expect(s.accounts.reload()).toMatchObject({ ok: true, changed: ['campus'] });
  for (const id of waiting)
    expect(((await finished(s, 'campus', id)).returnvalue as StartResult).state).toBe('started');
  expect(
    callsOf(APPS.campus.accountId)
      .map((c) => c.meetingId)
      .sort(),
  ).toEqual(['5001', '5002', '5003']);
  const after = (await (await fetch(`${s.url}/readyz`)).json()) as { warnings?: string[] };
  expect(after.warnings).toBeUndefined();
  expect(s.logs.text()).not.toContain('a-wrong-secret-7f3a');
  expect(JSON.stringify(sink.received)).not.toContain('a-wrong-secret-7f3a');
}, 40_000);

it("an account-level 429 pauses that account only: the other account's call goes out at once", async () => {
  const s = await start([entry('default'), entry('campus')]);
  zoom.script(APPS.campus.accountId, {
    status: 429,
    headers: { 'x-ratelimit-type': 'QPS', 'retry-after': '30' },
    body: {
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API.',
    },
  });
  const first = await s.enqueue('campus', '6001');
  await eventually(
    async () => (await progressOf(s, 'campus', first)).reason === 'account_rate_limited',
  );

  // During campus's 30-second pause: campus's next start is paced, the default account's goes out.
  const second = await s.enqueue('campus', '6002');
  const other = await s.enqueue(undefined, '6003');
  expect(((await finished(s, 'default', other)).returnvalue as StartResult).state).toBe('started');
  await eventually(async () => (await progressOf(s, 'campus', second)).reason === 'paced');
  expect(callsOf(APPS.campus.accountId).map((c) => c.meetingId)).toEqual(['6001']);
  expect(callsOf(APPS.default.accountId).map((c) => c.meetingId)).toEqual(['6003']);
  // The pause is campus's key alone (the default account keeps the key of the release before).
  expect(await redis.exists(`${s.prefix}:account:campus:zoom:paused`)).toBe(1);
  expect(await redis.exists(`${s.prefix}:zoom:paused`)).toBe(0);
}, 30_000);

it('a reload that removes an account cancels its waiting start at once, "account removed"', async () => {
  const dir = tempDir();
  const s = await start(
    [entry('default'), entry('campus')],
    { LIVESTREAM_RETRY_DELAY_MS: '60000' },
    dir,
  );
  zoom.script(APPS.campus.accountId, {
    status: 429,
    body: { code: 429, message: 'Too many requests' },
  });
  const waiting = await s.enqueue('campus', '7001');
  await eventually(
    async () => (await progressOf(s, 'campus', waiting)).reason === 'livestream_rate_limited',
  );
  const queue = await s.queues.forAccount('campus');
  expect(await queue.getJobState(waiting)).toBe('delayed'); // due in a minute

  writeAccountsFile(dir, [entry('default')]);
  expect(s.accounts.reload()).toMatchObject({ ok: true, removed: ['campus'] });
  const job = await finished(s, 'campus', waiting);
  expect(job.returnvalue).toMatchObject({ state: 'cancelled' });
  expect(readProgress(job.progress)).toMatchObject({
    state: 'cancelled',
    reason: 'account removed',
  });
  expect(Date.now() - job.timestamp).toBeLessThan(60_000);
  await eventually(() =>
    s.logs.lines.some(
      (l) =>
        l.msg === 'account removed: its waiting starts are cancelled now' &&
        l.account === 'campus' &&
        l.woken === 1,
    ),
  );
  expect(callsOf(APPS.campus.accountId)).toHaveLength(1);
}, 30_000);

it('consumes every shard: an account placed in shard 1 starts with QUEUE_SHARDS=2', async () => {
  const name = ['north', 'south', 'east', 'west', 'arts', 'law'].find(
    (n) => initialShard(n, 2) === 1,
  )!;
  zoom.accounts.set('zoom-acct-sharded', {
    accountId: 'zoom-acct-sharded',
    clientId: 'client-sharded',
    clientSecret: 'secret-sharded',
  });
  const sharded: AccountEntry = {
    name,
    zoom_account_id: 'zoom-acct-sharded',
    client_id: 'client-sharded',
    client_secret: '${SHARDED_SECRET}',
  };
  const s = await start([entry('default'), sharded], {
    QUEUE_SHARDS: '2',
    SHARDED_SECRET: 'secret-sharded',
  });
  const queue = await s.queues.forAccount(name);
  expect(queue.opts.prefix).toBe(shardPrefix(s.prefix, 1));
  const jobId = await s.enqueue(name, '8001');
  const old = await s.enqueue(undefined, '8002');
  expect(((await finished(s, name, jobId)).returnvalue as StartResult).state).toBe('started');
  expect(((await finished(s, 'default', old)).returnvalue as StartResult).state).toBe('started');
  expect(callsOf('zoom-acct-sharded').map((c) => c.meetingId)).toEqual(['8001']);
  expect(await redis.exists(`${shardPrefix(s.prefix, 1)}:livestream:${jobId}`)).toBe(1);
}, 30_000);
