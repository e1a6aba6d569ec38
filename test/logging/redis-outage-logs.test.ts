import { startReconcileRunner } from '../../src/reconcile/reconcile-runner';
import { connect } from '../../src/redis/connect';
import { errorShape } from '../../src/logging/log-throttle';
import { captureLog } from '../support/log-capture';
import { startPrivateRedis, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';

const EMPTY_SWEEP = { users: 0, live: 0, queued: 0, upcoming: 0, preflightFailed: 0, failed: 0 };

type Line = { msg: string; level: number; err: { message: string }; repeated?: number };

it('logs the reconcile worker cut off from Redis once per interval per error, with a count', async () => {
  const redis = await startPrivateRedis();
  const logs = captureLog();
  let clock = 0;
  // Reconnecting every 50 ms: a flood of connection errors within a second.
  const connection = connect(
    { kind: 'standalone', url: redis.url },
    { offlineQueue: true, maxRetriesPerRequest: null, retryDelay: () => 50 },
  );
  let refused = 0;
  connection.on('error', () => refused++);
  const runner = await startReconcileRunner({
    connection,
    prefix: uniquePrefix(),
    intervalMs: 60_000,
    accounts: () => ['default'],
    sweepOf: () => Promise.resolve(() => Promise.resolve(EMPTY_SWEEP)),
    log: logs.log,
    shutdownTimeoutMs: 500,
    logRepeatIntervalMs: 10_000,
    now: () => clock,
  });
  try {
    await redis.stop();
    await eventually(() => refused >= 30);
    const errors = () => (logs.lines as Line[]).filter((l) => l.msg === 'reconcile worker error');
    const shapes = new Set(errors().map((l) => errorShape(l.err.message)));
    // However many errors came, each distinct one is on one line within the interval.
    expect(shapes.size).toBeGreaterThan(0);
    expect(errors()).toHaveLength(shapes.size);
    expect(errors().every((l) => l.level === 40 && l.repeated === undefined)).toBe(true);
    const queueErrors = (logs.lines as Line[]).filter((l) => l.msg === 'queue error');
    expect(queueErrors.length).toBeLessThanOrEqual(shapes.size + 2);

    // Past the interval, the next line of a repeating error says how many it stood for.
    const before = errors().length;
    clock = 10_000;
    const counted = await eventually(() => errors().find((l) => (l.repeated ?? 0) > 0));
    expect(counted.repeated).toBeGreaterThanOrEqual(10);
    expect(counted).toMatchObject({ intervalMs: 10_000 });
    expect(errors().length).toBeLessThanOrEqual(before + shapes.size + 1);
  } finally {
    // Redis back on its port, so the worker closes as it would in service.
    const back = await startPrivateRedis([], redis.port);
    await runner.close();
    connection.disconnect();
    await back.stop();
  }
});
