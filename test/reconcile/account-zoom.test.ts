import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Account } from '../../src/accounts/account-types';
import type { Alert } from '../../src/alerts/alerts';
import { loadConfig } from '../../src/config/load-config';
import type { StartJobData } from '../../src/domain/start-job';
import { createAccountZoomSource } from '../../src/reconcile/account-zoom';
import type { ListClient } from '../../src/reconcile/list-client';
import { createSweep } from '../../src/reconcile/sweep';
import { SweepDeferredError } from '../../src/reconcile/sweep-slots';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { ZoomCredentialsError } from '../../src/zoom/errors';
import { createZoomDispatcher } from '../../src/zoom/http';
import { PacerBusyError } from '../../src/zoom/pacer';
import { accountKeyPrefix, createAccountZoom } from '../../src/zoom/zoom-stack';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

let zoom: ZoomSandbox;
let redis: Redis;
let prefix: string;
const dispatcher = createZoomDispatcher(2000);
beforeEach(async () => {
  zoom = await startZoomSandbox({ clientId: 'campus-client', clientSecret: 'campus-secret' });
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  prefix = uniquePrefix();
});
afterEach(async () => {
  redis.disconnect();
  await zoom.close();
});
afterAll(() => dispatcher.destroy());

const account = (name: string, secret: string, perSecond = 1): Account => ({
  name,
  zoom: { ...zoom.credentials, clientSecret: secret, maxRequestsPerSecond: perSecond },
  webhookSecrets: [],
  rulesFile: undefined,
  alertWebhookUrl: undefined,
  reconcileUsers: { kind: 'all' },
});

describe("an account's Zoom side for the sweep", () => {
  it("uses the token of the account's starts and paces list calls on the account's own slots", async () => {
    const config = loadConfig({
      ROLE: 'receiver',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'unused',
      QUEUE_PREFIX: prefix,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
      ZOOM_HTTP_TIMEOUT_MS: '2000',
    });
    // The starts' side of each account, as the worker builds it.
    const starts = new Map(
      [account('campus', 'campus-secret'), account('clinic', 'a-wrong-secret')].map((a) => [
        a.name,
        createAccountZoom({
          config,
          account: { name: a.name, ...a.zoom },
          redis,
          dispatcher,
          shardPrefix: prefix,
          log: captureLog().log,
        }),
      ]),
    );
    const zoomFor = createAccountZoomSource({
      tokensOf: (name) => Promise.resolve(starts.get(name)?.tokens),
      pacerPrefixOf: (name) => Promise.resolve(accountKeyPrefix(prefix, name)),
      redis,
    });
    const campus = await zoomFor(account('campus', 'campus-secret'));
    const clinic = await zoomFor(account('clinic', 'a-wrong-secret'));
    expect(campus.tokens).toBe(starts.get('campus')!.tokens);
    expect(await campus.tokens.get()).toEqual(expect.any(String));
    await expect(clinic.tokens.get()).rejects.toBeInstanceOf(ZoomCredentialsError);
    // Zoom was asked once per account: clinic's rejection never touched campus's token.
    expect(zoom.requests.filter((r) => r.path.startsWith('/oauth/token'))).toHaveLength(2);

    // At one call a second, a start of campus takes the slot its sweep would have had;
    // clinic's slots are its own.
    await starts.get('campus')!.pacer.acquire();
    await expect(campus.sweepPacer.acquire()).rejects.toBeInstanceOf(PacerBusyError);
    await expect(clinic.sweepPacer.acquire()).resolves.toBeDefined();
    await expect(zoomFor(account('gone', 'x'))).rejects.toThrow('no longer served');
  });
});

describe('preflight per account', () => {
  it("alerts once per account for the same upcoming meeting, naming the account, under the account's own marks", async () => {
    const queue = new Queue<StartJobData>('livestream', { connection: redis, prefix });
    const alerts: Alert[] = [];
    const startTime = new Date(Date.now() + 600_000).toISOString();
    const list: ListClient = {
      users: () => Promise.resolve(['host']),
      meetings: (_user, type) =>
        Promise.resolve(
          type === 'upcoming' ? [{ id: 87100000001, uuid: 'u==', start_time: startTime }] : [],
        ),
      livestream: () => Promise.resolve({}), // no stream target in Zoom
    };
    const sweepOf = (name: string) =>
      createSweep({
        account: name,
        list,
        queue,
        redis,
        users: { kind: 'all' },
        rules: () => [{ name: 'all', action: 'stream', match: {} }],
        preflightLeadMs: 3_600_000,
        alert: (a) => Promise.resolve(alerts.push(a)),
        log: captureLog().log,
      });
    for (const name of ['campus', 'clinic', 'campus']) await sweepOf(name)();
    expect(alerts.map((a) => [a.type, a.account, a.jobId])).toEqual([
      ['preflight_failed', 'campus', `campus.meeting-87100000001-${Date.parse(startTime)}`],
      ['preflight_failed', 'clinic', `clinic.meeting-87100000001-${Date.parse(startTime)}`],
    ]);
    // The default account keeps the marks and ids of the release before accounts.
    await sweepOf('default')();
    expect(alerts[2]).toMatchObject({ jobId: `meeting-87100000001-${Date.parse(startTime)}` });
    expect(alerts[2]).not.toHaveProperty('account');
    await queue.close();
  });
});

it('a sweep whose account is paused ends at once, and says how long until the pause ends', async () => {
  const queue = new Queue<StartJobData>('livestream', { connection: redis, prefix });
  const asked: string[] = [];
  const sweep = createSweep({
    account: 'campus',
    list: {
      users: () => Promise.resolve(['u1', 'u2']),
      meetings: (user) => {
        asked.push(user);
        return Promise.reject(new SweepDeferredError(20_000));
      },
      livestream: () => Promise.resolve({}),
    },
    queue,
    redis,
    users: { kind: 'all' },
    rules: () => [],
    preflightLeadMs: 0,
    log: captureLog().log,
  });
  expect(await sweep()).toMatchObject({ stoppedBy: 'paused', backoffMs: 20_000 });
  expect(asked).toHaveLength(1);
  await queue.close();
});
