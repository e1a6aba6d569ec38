import { Cluster } from 'ioredis';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { cli } from '../support/cli';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { uniquePrefix } from '../support/redis';
import { startCluster, type TestCluster } from '../support/redis-topology';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const PASSWORD = 'cluster-pw-Xq81';
let cluster: TestCluster;
let zoom: ZoomSandbox;
let sink: HttpSink;
let admin: Cluster;
const services: TestService[] = [];

beforeAll(async () => {
  cluster = await startCluster(PASSWORD);
  zoom = await startZoomSandbox({ rateLimitedStarts: 1 });
  sink = await startHttpSink();
  admin = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], {
    redisOptions: { password: PASSWORD },
  });
  await new Promise((ready) => admin.once('ready', ready));
}, 60_000);

afterAll(async () => {
  for (const s of services) await s.stop();
  admin.disconnect();
  await sink.close();
  await zoom.close();
  await cluster.stop();
});

const starts = (id: string) =>
  zoom.livestreamCalls().filter((c) => c.path.includes(`/meetings/${id}/livestream/status`));

it('on a 3-master cluster: webhooks stored, 429 then started, dedupe and meeting.ended work, every key in one slot, no MOVED or CROSSSLOT, whichever seed is first', async () => {
  const prefix = `{${uniquePrefix()}}`;
  const slot = Number(await admin.cluster('KEYSLOT', prefix));
  const owner = admin.slots[slot]![0]!;
  const seeds = cluster.nodes.map((n) => `127.0.0.1:${n.port}`);
  // Each process lists a different node first: two that do not own the prefix's slot, and the owner.
  const firsts = [...seeds.filter((s) => s !== owner), owner];
  const env = (first: string): Record<string, string> => ({
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: [first, ...seeds.filter((s) => s !== first)].join(','),
    REDIS_PASSWORD: PASSWORD,
    QUEUE_PREFIX: prefix,
    LIVESTREAM_RETRY_DELAY_MS: '1500',
  });
  const all = await startTestService({ ...env(firsts[0]!), ALERT_WEBHOOK_URL: sink.url }, zoom);
  services.push(all);
  const receiverA = await startTestService({ ...env(firsts[1]!), ROLE: 'receiver' });
  services.push(receiverA);
  const receiverB = await startTestService({ ...env(firsts[2]!), ROLE: 'receiver' });
  services.push(receiverB);

  const started = (id: number, uuid: string) =>
    signed(meetingEvent('meeting.started', { id, uuid }));
  expect((await post(all.url, started(1101, 'cl-1'))).status).toBe(204);
  expect((await post(receiverA.url, started(1102, 'cl-2'))).status).toBe(204);
  expect((await post(receiverB.url, started(1101, 'cl-1'))).status).toBe(204); // redelivery
  expect((await post(receiverB.url, started(1103, 'cl-3'))).status).toBe(204);
  await eventually(() => starts('1103').length === 1); // the 429: it waits for its retry
  const ended = signed(meetingEvent('meeting.ended', { id: 1103, uuid: 'cl-3' }));
  expect((await post(receiverA.url, ended)).status).toBe(204);

  await eventually(() => zoom.started.has('1101') && zoom.started.has('1102'), 20_000);
  expect(starts('1101').length).toBe(2); // 429, then 204
  expect(starts('1102').length).toBe(2);
  await eventually(
    async () => (await all.queue.getJobState(startJobId('meeting', 'cl-3'))) === 'completed',
  );
  expect(zoom.started.has('1103')).toBe(false);
  expect(starts('1103').length).toBe(1);
  const outcomes = (s: TestService) => s.logs.lines.map((l) => l.outcome).filter(Boolean);
  expect(outcomes(receiverB)).toEqual(['duplicate', 'accepted']);
  expect(outcomes(receiverA)).toEqual(['accepted', 'ended']);
  for (const s of services) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);

  // Every key of ours, on every master, is in the prefix's slot: queue, facts, token, pacer, readyz.
  const keys: string[] = [];
  for (const node of admin.nodes('master')) {
    const found = await node.keys(`${prefix}*`);
    if (found.length > 0) expect(`${node.options.host}:${node.options.port}`).toBe(owner);
    keys.push(...found);
  }
  for (const key of keys) expect(Number(await admin.cluster('KEYSLOT', key))).toBe(slot);
  for (const part of [':livestream:', ':instance:', ':zoom:token:', ':zoom:slot', ':readyz'])
    expect(keys.some((k) => k.includes(part))).toBe(true);
  for (const s of services) expect(s.logs.text()).not.toMatch(/MOVED|CROSSSLOT|ASK /);
  expect(all.logs.text()).not.toContain(PASSWORD);
});

it('the operator CLI uses the cluster mode too, and never prints the password', async () => {
  const prefix = `{${uniquePrefix()}}`;
  const env = {
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    REDIS_PASSWORD: PASSWORD,
    QUEUE_PREFIX: prefix,
  };
  const trigger = await cli(['trigger', '85012345678', '--uuid', 'cli-cluster=='], env);
  expect(trigger.code).toBe(0);
  const status = await cli(['status', '85012345678'], env);
  expect(status.code).toBe(0);
  expect(status.out).toContain('85012345678');
  const jobs: string[] = [];
  for (const node of admin.nodes('master'))
    jobs.push(...(await node.keys(`${prefix}:livestream:meeting-*`)));
  expect(jobs.length).toBeGreaterThan(0);
  for (const key of jobs) expect(JSON.stringify(await admin.hgetall(key))).not.toContain(PASSWORD);
  const wrong = await cli(['status'], { ...env, REDIS_CLUSTER_NODES: '127.0.0.1:1' });
  expect(wrong.code).not.toBe(0);
  expect(wrong.err).toContain('cannot reach Redis (cluster nodes 127.0.0.1:1)');
  for (const run of [trigger, status, wrong]) expect(run.out + run.err).not.toContain(PASSWORD);
});

it('REDIS_MIN_REPLICAS_ACK on a cluster without replicas: the webhook gets 503 within the budget, never a 2xx', async () => {
  const receiver = await startTestService({
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    REDIS_PASSWORD: PASSWORD,
    QUEUE_PREFIX: `{${uniquePrefix()}}`,
    REDIS_MIN_REPLICAS_ACK: '1',
    WEBHOOK_REDIS_BUDGET_MS: '1000',
    ROLE: 'receiver',
  });
  services.push(receiver);
  const res = await post(receiver.url, signed(meetingEvent('meeting.started', { uuid: 'no-rep' })));
  expect(res.status).toBe(503);
  // The replicas' verdict, or on a machine too busy for even that, the budget running out. That
  // WAIT's answer itself is acted on is tested deterministically in test/redis/replica-wait.test.ts.
  await eventually(() =>
    /"message":"(write reached 0 of 1 replicas in time|no answer within 1000 ms)"[^\n]*"status":503/.test(
      receiver.logs.text(),
    ),
  );
  expect(receiver.logs.text()).not.toMatch(/MOVED|CROSSSLOT|no connection to the master/);
});
