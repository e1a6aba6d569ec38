import { loadConfig } from '../../src/config/load-config';
import { createProducerConnection } from '../../src/redis/connections';
import { createReadiness } from '../../src/service/readiness';
import { captureLog } from '../support/log-capture';
import { startPrivateRedis, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';

it('logs readiness when it changes, not on every probe', async () => {
  let redis = await startPrivateRedis();
  const logs = captureLog();
  const producer = createProducerConnection({ kind: 'standalone', url: redis.url }, logs.log, 500);
  const readiness = createReadiness({
    redis: producer,
    keyPrefix: uniquePrefix(),
    checkIntervalMs: 60_000,
    timeoutMs: 500,
    log: logs.log,
  });
  const said = (msg: string) => logs.lines.filter((l) => l.msg === msg);
  try {
    await eventually(async () => (await readiness.check()).ready);
    const before = { notReady: said('not ready').length, again: said('ready again').length };
    await redis.stop();
    // A load balancer probing every few seconds through an outage.
    for (let i = 0; i < 5; i++) expect((await readiness.check()).ready).toBe(false);
    expect(said('not ready').slice(before.notReady)).toEqual([
      expect.objectContaining({
        problems: [expect.stringMatching(/^redis does not accept writes/)],
      }),
    ]);
    redis = await startPrivateRedis([], redis.port);
    await eventually(async () => (await readiness.check()).ready);
    expect((await readiness.check()).ready).toBe(true);
    expect(said('ready again').slice(before.again)).toHaveLength(1);
    expect(said('not ready').slice(before.notReady)).toHaveLength(1);
  } finally {
    readiness.stop();
    producer.disconnect();
    await redis.stop();
  }
});

it('ships with a repeating error logged again every 10 s', () => {
  expect(loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 'x' }, 'receiver').logRepeatIntervalMs).toBe(
    10_000,
  );
});
