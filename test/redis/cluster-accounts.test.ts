import { Cluster } from 'ioredis';
import { shardPrefix } from '../../src/queue/shards';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { sandboxAccountsFile } from '../support/accounts-service';
import { cli } from '../support/cli';
import { uniquePrefix } from '../support/redis';
import { startCluster, type TestCluster } from '../support/redis-topology';
import { eventually, startTestService, type TestService } from '../support/service';

// Several accounts over QUEUE_SHARDS=3 on a real 3-master Redis Cluster: each shard has its own
// hash tag, so the accounts' starts live on different masters, and nothing crosses a slot.

const PASSWORD = 'cluster-accounts-pw-7Q';
const NAMES = ['campus', 'media', 'law', 'north', 'south', 'east'];
let cluster: TestCluster;
let zoom: ZoomSandbox;
let admin: Cluster;
let service: TestService | undefined;

beforeAll(async () => {
  cluster = await startCluster(PASSWORD);
  zoom = await startZoomSandbox({
    rateLimitedStarts: 1,
    accounts: NAMES.map((name) => ({ name })),
  });
  admin = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], {
    redisOptions: { password: PASSWORD },
  });
  await new Promise((ready) => admin.once('ready', ready));
}, 60_000);

afterAll(async () => {
  await service?.stop();
  admin.disconnect();
  await zoom.close();
  await cluster.stop();
});

/** The master that owns a key's slot. */
const masterOf = async (key: string): Promise<string> =>
  admin.slots[Number(await admin.cluster('KEYSLOT', key))]![0]!;

/** A prefix whose three shards do not all sit on one master (the hash of the tag decides). */
async function spreadPrefix(): Promise<string> {
  for (;;) {
    const prefix = `{${uniquePrefix()}}`;
    const owners = await Promise.all([0, 1, 2].map((n) => masterOf(shardPrefix(prefix, n))));
    if (new Set(owners).size >= 2) return prefix;
  }
}

it('spreads accounts over the masters with QUEUE_SHARDS=3: starts, dedupe and cancel work, no MOVED or CROSSSLOT', async () => {
  const prefix = await spreadPrefix();
  const seeds = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  const accounts = sandboxAccountsFile(zoom);
  const redisEnv = {
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: seeds,
    REDIS_PASSWORD: PASSWORD,
    QUEUE_PREFIX: prefix,
    QUEUE_SHARDS: '3',
    ...accounts,
  };
  service = await startTestService({
    ...redisEnv,
    ROLE: 'all',
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: '1500',
    RECONCILE_INTERVAL_MS: '0',
  });
  const url = service.url;

  // Every account's meeting 7001 (the same number in each), and a redelivery of campus's.
  const meeting = (name: string) => ({ id: 7001, uuid: `${name}-7001==`, topic: name });
  for (const name of NAMES)
    expect(await zoom.account(name).sendWebhook(url, 'meeting.started', meeting(name))).toBe(204);
  expect(await zoom.account('campus').sendWebhook(url, 'meeting.started', meeting('campus'))).toBe(
    204,
  );
  // law's start is cancelled while it waits out its first 429.
  await eventually(() => zoom.account('law').livestreamCalls().length === 1);
  const cancel = await cli(['cancel', '7001', '--account', 'law'], redisEnv);
  expect(cancel.code).toBe(0);

  const others = NAMES.filter((n) => n !== 'law');
  await eventually(() => others.every((n) => zoom.account(n).started.has('7001')), 20_000);
  for (const name of others) expect(zoom.account(name).livestreamCalls()).toHaveLength(2);
  const lawDone = await cli(['status', '7001', '--account', 'law', '--json'], redisEnv);
  expect(JSON.parse(lawDone.out)).toEqual([expect.objectContaining({ state: 'cancelled' })]);
  expect(zoom.account('law').started.has('7001')).toBe(false);

  // The accounts' shards sit on at least two masters, and each start lives with its shard.
  const shards = await admin.hgetall(`${prefix}:accounts:shard`);
  expect(Object.keys(shards).sort()).toEqual([...NAMES].sort());
  const masters = await Promise.all(
    NAMES.map((n) => masterOf(shardPrefix(prefix, Number(shards[n])))),
  );
  expect(new Set(masters).size).toBeGreaterThanOrEqual(2);
  expect(service.logs.text()).not.toMatch(/MOVED|CROSSSLOT|ASK /);
  expect(service.logs.text()).not.toContain(PASSWORD);
});
