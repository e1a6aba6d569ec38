import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/logging/create-logger';
import { enqueueStart, readInstanceFacts } from '../../src/queue/start-queue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { cli } from '../support/cli';
import { redisUrl, uniquePrefix } from '../support/redis';

// Two accounts of one deployment, placed in two shards (QUEUE_SHARDS=2: `a` in shard 0, `b` in
// shard 1), each with a waiting start of the same meeting number and the same instance uuid.
const MEETING = '85012345678';
const dir = mkdtempSync(join(tmpdir(), 'zlw-accounts-cli-'));
const ACCOUNTS_FILE = join(dir, 'accounts.yaml');
writeFileSync(
  ACCOUNTS_FILE,
  `accounts:
  - name: a
    zoom_account_id: zoom-a
    client_id: \${A_CLIENT_ID}
    client_secret: \${A_CLIENT_SECRET}
  - name: b
    zoom_account_id: zoom-b
    client_id: \${B_CLIENT_ID}
    client_secret: \${B_CLIENT_SECRET}
`,
);

let redis: Redis;
let queues: StartQueues;
let env: Record<string, string>;
beforeEach(async () => {
  const prefix = uniquePrefix();
  env = { ACCOUNTS_FILE, QUEUE_PREFIX: prefix, QUEUE_SHARDS: '2' };
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createStartQueues({ connection: redis, prefix, shards: 2, log: createLogger('silent') });
  for (const [account, topic] of [
    ['a', 'Campus town hall'],
    ['b', 'Region town hall'],
  ] as const)
    await enqueueStart(await queues.forAccount(account), {
      kind: 'meeting',
      meetingId: MEETING,
      uuid: 'same-instance',
      topic,
      receivedAt: Date.now(),
      source: 'webhook',
      account,
    });
});
afterEach(async () => {
  await queues.close();
  redis.disconnect();
});

interface Row {
  account: string;
  meetingId: string;
  state: string;
  jobId: string;
}
const rows = async (args: string[] = []): Promise<Row[]> =>
  JSON.parse((await cli(['status', '--json', ...args], env)).out) as Row[];
const byAccount = (list: Row[]) =>
  Object.fromEntries(list.map((r) => [r.account, r.state])) as Record<string, string>;

describe('status', () => {
  it('lists the starts of every shard, each with its account', async () => {
    expect(
      (await queues.forShard(1).getJob(startJobId('meeting', 'same-instance', 'b')))?.data,
    ).toMatchObject({ account: 'b' });
    const list = await rows();
    expect(list.map((r) => [r.account, r.meetingId, r.jobId]).sort()).toEqual([
      ['a', MEETING, startJobId('meeting', 'same-instance', 'a')],
      ['b', MEETING, startJobId('meeting', 'same-instance', 'b')],
    ]);
    const table = await cli(['status'], env);
    expect(table.code).toBe(0);
    const [header, ...lines] = table.out.trimEnd().split('\n');
    expect(header).toMatch(/^MEETING\s+ACCOUNT\s+STATE/);
    expect(lines.map((l) => l.split(/\s+/).slice(0, 3)).sort()).toEqual([
      [MEETING, 'a', 'waiting'],
      [MEETING, 'b', 'waiting'],
    ]);
    const detail = await cli(['status', MEETING], env);
    expect(detail.out).toMatch(/^ {2}account: +a$/m);
    expect(detail.out).toMatch(/^ {2}account: +b$/m);
  });

  it('--account keeps one account (no account column then); an unknown one is a usage error', async () => {
    expect((await rows(['--account', 'b'])).map((r) => r.account)).toEqual(['b']);
    const table = await cli(['status', '--account', 'b'], env);
    expect(table.out).not.toContain('ACCOUNT');
    expect(table.out).toContain('Region town hall');
    expect(table.out).not.toContain('Campus town hall');
    expect(await cli(['status', '--account', 'nope'], env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown account "nope": the accounts are a, b'),
    });
  });
});

describe('cancel', () => {
  it('needs --account when there are several, naming them, and cancels nothing', async () => {
    const run = await cli(['cancel', MEETING], env);
    expect(run).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        '--account is required: this deployment has several accounts (a, b)',
      ),
    });
    expect(byAccount(await rows())).toEqual({ a: 'waiting', b: 'waiting' });
  });

  it("--account b cancels b's start and not a's start of the same meeting number", async () => {
    const run = await cli(['cancel', MEETING, '--account', 'b'], env);
    expect(run).toMatchObject({
      code: 0,
      out: expect.stringContaining(
        `cancelled the livestream start of meeting ${MEETING} (account b)`,
      ),
    });
    expect(byAccount(await rows())).toEqual({ a: 'waiting', b: 'cancelled' });
    const a = startJobId('meeting', 'same-instance', 'a');
    const b = startJobId('meeting', 'same-instance', 'b');
    expect((await readInstanceFacts(queues.forShard(1), b)).cancelled).toBeDefined();
    expect(await readInstanceFacts(queues.forShard(0), a)).toEqual({});
    expect(await cli(['cancel', MEETING, '--account', 'b'], env)).toMatchObject({ code: 4 });
  });
});

describe('trigger and retry', () => {
  it("trigger --account queues the start in the account's shard, as the account's", async () => {
    const run = await cli(['trigger', '93000000001', '--account', 'b', '--uuid', 'by-hand'], env);
    expect(run.code).toBe(0);
    const job = await queues.forShard(1).getJob(startJobId('meeting', 'by-hand', 'b'));
    expect(job?.data).toMatchObject({ meetingId: '93000000001', account: 'b', source: 'manual' });
    expect(await queues.forShard(0).getJob(startJobId('meeting', 'by-hand', 'a'))).toBeUndefined();
    expect(await cli(['trigger', '93000000001'], env)).toMatchObject({ code: 2 });
  });

  it('retry refuses an unknown account with a usage error', async () => {
    expect(await cli(['retry', MEETING, '--account', 'zzz'], env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown account "zzz"'),
    });
  });
});

describe('stop', () => {
  it("calls Zoom with the account's own credentials, and records only that account's start", async () => {
    const zoom = await startZoomSandbox({ rateLimitedStarts: 0, accountId: 'zoom-b' });
    try {
      const zoomEnv = {
        ...env,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
        B_CLIENT_ID: zoom.credentials.clientId,
        B_CLIENT_SECRET: zoom.credentials.clientSecret,
        A_CLIENT_ID: 'not-the-sandbox-app',
        A_CLIENT_SECRET: 'not-the-sandbox-secret',
      };
      // a's app is not the sandbox's: Zoom refuses its credentials, nothing is stopped.
      expect(await cli(['stop', MEETING, '--account', 'a'], zoomEnv)).toMatchObject({ code: 1 });
      const stops = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));
      expect(stops()).toHaveLength(0);
      const run = await cli(['stop', MEETING, '--account', 'b'], zoomEnv);
      expect(run).toMatchObject({ code: 0, out: expect.stringContaining('(account b)') });
      expect(stops().map((r) => JSON.parse(r.body) as unknown)).toEqual([{ action: 'stop' }]);
      expect(byAccount(await rows())).toEqual({ a: 'waiting', b: 'stopped' });
      // Without the account's credentials, stop says which account lacks them (exit 78).
      const { B_CLIENT_SECRET: _, ...withoutSecret } = zoomEnv;
      expect(await cli(['stop', MEETING, '--account', 'b'], withoutSecret)).toMatchObject({
        code: 78,
        err: expect.stringContaining('account "b": client_secret not set'),
      });
    } finally {
      await zoom.close();
    }
  });
});
