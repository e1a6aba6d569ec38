import { Redis } from 'ioredis';
import { createAccountRegistry, type AccountRegistry } from '../../src/accounts/account-registry';
import type { Account, AccountSet } from '../../src/accounts/account-types';
import type { Alert } from '../../src/alerts/alerts';
import { loadConfig } from '../../src/config/load-config';
import { startJobId } from '../../src/domain/start-job';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { shardPrefix } from '../../src/queue/shards';
import { createRulesBook } from '../../src/policy/rules-book';
import { createListClient } from '../../src/reconcile/list-client';
import { startReconciliation } from '../../src/reconcile/start-reconciliation';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { createZoomDispatcher } from '../../src/zoom/http';
import { fetchAccessToken } from '../../src/zoom/oauth';
import { createTokenProvider } from '../../src/zoom/token-provider';
import { tempFile } from '../support/files';
import { captureLog, type CapturedLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';

// `campus` lands in shard 0 and `clinic` in shard 1 of two (FNV-1a of the name).
const zooms: Record<string, ZoomSandbox> = {};
let redis: Redis;
let queues: StartQueues;
let prefix: string;
let logs: CapturedLog;
let alerts: Alert[];
let running: { close(): Promise<void> } | undefined;
const dispatcher = createZoomDispatcher(2000);

beforeEach(async () => {
  for (const name of ['campus', 'clinic', 'school'])
    zooms[name] = await startZoomSandbox({
      clientId: `${name}-client`,
      clientSecret: `${name}-secret`,
    });
  prefix = uniquePrefix();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  logs = captureLog();
  alerts = [];
  queues = createStartQueues({ connection: redis, prefix, shards: 2, log: logs.log });
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await queues.close();
  redis.disconnect();
  for (const zoom of Object.values(zooms)) await zoom.close();
});
afterAll(() => dispatcher.destroy());

function account(name: string, extra: Partial<Account> = {}): Account {
  const zoom = zooms[name]!;
  return {
    name,
    zoom: { ...zoom.credentials, maxRequestsPerSecond: 50 },
    webhookSecrets: [],
    rulesFile: undefined,
    alertWebhookUrl: undefined,
    reconcileUsers: { kind: 'list', ids: ['sandbox-host'] },
    ...extra,
  };
}

const set = (...accounts: Account[]): AccountSet => ({
  accounts,
  consoleUsers: [],
  file: 'accounts.yaml',
});

/** Each account's sweep against its own Zoom (its own credentials, users and meetings). */
async function startSweeps(registry: AccountRegistry): Promise<void> {
  const config = loadConfig({
    ROLE: 'receiver',
    ZOOM_WEBHOOK_SECRET_TOKEN: 'unused',
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: prefix,
    QUEUE_SHARDS: '2',
    RECONCILE_INTERVAL_MS: '1000',
    PREFLIGHT_LEAD_MS: '0',
    SHUTDOWN_TIMEOUT_MS: '2000',
  });
  const rules = createRulesBook({}, logs.log);
  running = await startReconciliation({
    config,
    connection: redis,
    accounts: registry,
    queues,
    dispatcher,
    zoomFor: () => {
      throw new Error('each account lists at its own Zoom here (listFor)');
    },
    rulesFor: (a) => rules.forFile(a.rulesFile),
    alert: (a) => Promise.resolve(alerts.push(a)),
    metrics: { zoomAnswer: () => undefined, startQueued: () => undefined, sweep: () => undefined },
    log: logs.log,
    listFor: (a) => {
      const zoom = zooms[a.name]!;
      const tokens = createTokenProvider({
        redis,
        keyPrefix: prefix,
        appId: a.name,
        fetchToken: () =>
          fetchAccessToken(dispatcher, {
            tokenUrl: zoom.oauthTokenUrl,
            ...a.zoom,
            timeoutMs: 2000,
          }),
        log: logs.log,
      });
      return createListClient({
        baseUrl: zoom.apiBaseUrl,
        dispatcher,
        tokens,
        timeoutMs: 2000,
        slot: () => Promise.resolve(),
      });
    },
  });
}

const sweepsOf = (name: string) =>
  logs.lines.filter((l) => l.msg === 'reconcile sweep done' && l.account === name);

it("A's list 429 defers A's sweep only: B's live meeting is queued in the same round, A's at A's next sweep", async () => {
  // The same meeting (number and instance) in both accounts: each gets a start of its own.
  const same = { id: 85100000001, uuid: 'same-instance==' };
  zooms.campus!.declareMeeting(same);
  zooms.clinic!.declareMeeting(same);
  zooms.campus!.scriptGets({
    status: 429,
    body: {
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API.',
    },
    headers: { 'retry-after': '3' },
  });
  const registry = createAccountRegistry(
    set(account('campus'), account('clinic')),
    () => set(),
    logs.log,
  );
  await startSweeps(registry);

  const clinicJob = startJobId('meeting', same.uuid, 'clinic');
  const campusJob = startJobId('meeting', same.uuid, 'campus');
  expect(clinicJob).not.toBe(campusJob);
  await eventually(() => sweepsOf('clinic').length >= 1 && sweepsOf('campus').length >= 1);
  // The first round: campus rate limited, clinic's meeting queued all the same.
  expect(sweepsOf('campus')[0]).toMatchObject({ stoppedBy: 'rate_limited', queued: 0 });
  expect(sweepsOf('clinic')[0]).toMatchObject({ queued: 1, live: 1 });
  expect(sweepsOf('clinic')[0]).not.toHaveProperty('stoppedBy');
  // Each start is in its account's shard, carries the account, and is not in the other shard.
  const clinic = await queues.forShard(1).getJob(clinicJob);
  expect(clinic?.data).toMatchObject({ account: 'clinic', source: 'reconcile', uuid: same.uuid });
  expect(queues.forShard(1).opts.prefix).toBe(shardPrefix(prefix, 1));
  expect(await queues.forShard(0).getJob(clinicJob)).toBeUndefined();
  expect(await queues.forShard(0).getJob(campusJob)).toBeUndefined();

  // Campus is swept again once its Retry-After has passed, and its meeting is queued then.
  const limitedAt = zooms.campus!.listCalls()[0]!.at;
  await eventually(() => sweepsOf('campus').find((l) => l.queued === 1), 15_000);
  const campus = await queues.forShard(0).getJob(campusJob);
  expect(campus?.data).toMatchObject({ account: 'campus', source: 'reconcile', uuid: same.uuid });
  const campusNextAt = zooms.campus!.listCalls()[1]!.at;
  expect(campusNextAt - limitedAt).toBeGreaterThanOrEqual(2900);
  // Meanwhile clinic went on sweeping every interval (1 s): its backoff is not campus's.
  const between = zooms.clinic!.listCalls().filter((c) => c.at > limitedAt && c.at < campusNextAt);
  expect(between.length).toBeGreaterThanOrEqual(2);
  expect(alerts.map((a) => [a.type, a.account, a.jobId]).sort()).toEqual([
    ['webhook_missed', 'campus', campusJob],
    ['webhook_missed', 'clinic', clinicJob],
  ]);
  expect(alerts[0]!.reason).toMatch(/webhooks\/zoom\/(campus|clinic)/);
});

it('sweeps each account with its own rules, and follows the accounts a reload brings', async () => {
  const clinicRules = tempFile(
    'clinic-rules.yaml',
    'rules:\n  - { name: lectures, action: stream, match: { meeting_ids: [85200000001] } }\n  - { name: rest, action: skip }\n',
  );
  zooms.clinic!.declareMeeting({ id: 85200000001 });
  zooms.clinic!.declareMeeting({ id: 85200000002 }); // live, but clinic's rules skip it
  let next = set(account('campus'), account('clinic', { rulesFile: clinicRules }));
  const registry = createAccountRegistry(next, () => next, logs.log);
  await startSweeps(registry);
  await eventually(() => sweepsOf('clinic').length >= 1);
  expect(sweepsOf('clinic')[0]).toMatchObject({ live: 2, queued: 1 });

  // The reload drops clinic and adds school: school is swept, clinic no more.
  const lecture = zooms.school!.declareMeeting({ id: 85200000003 });
  next = set(account('campus'), account('school'));
  expect(registry.reload()).toMatchObject({ ok: true, added: ['school'], removed: ['clinic'] });
  await eventually(() => sweepsOf('school').find((l) => l.queued === 1));
  const schoolShard = await queues.shardMap.shardOf('school');
  const job = await queues
    .forShard(schoolShard)
    .getJob(startJobId('meeting', lecture.uuid, 'school'));
  expect(job?.data).toMatchObject({ account: 'school', meetingId: '85200000003' });
  // Two more rounds after school's first: clinic's Zoom was asked nothing more.
  await eventually(() => sweepsOf('school').length >= 2);
  const clinicCalls = zooms.clinic!.listCalls().length;
  const clinicSweeps = sweepsOf('clinic').length;
  const schoolSweeps = sweepsOf('school').length;
  await eventually(() => sweepsOf('school').length >= schoolSweeps + 2, 15_000);
  expect(zooms.clinic!.listCalls()).toHaveLength(clinicCalls);
  expect(sweepsOf('clinic')).toHaveLength(clinicSweeps);
});
