import { errorShape } from '../../src/logging/log-throttle';
import { loadConfig } from '../../src/config/load-config';
import { startZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startHttpSink } from '../support/http-sink';
import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService } from '../support/service';

type Line = { msg: string; err?: { message: string }; repeated?: number; intervalMs?: number };

const INTERVAL = 1000;
/** Every BullMQ worker of the service: each meets the outage on its own connections. */
const WORKERS = ['worker error', 'alert worker error', 'reconcile worker error'];

it('a worker with Redis gone logs each repeating error once per LOG_REPEAT_INTERVAL_MS with a count, and readiness once per change', async () => {
  const redis = await startPrivateRedis();
  const zoom = await startZoomSandbox();
  const sink = await startHttpSink();
  const service = await startTestService(
    {
      REDIS_URL: redis.url,
      LOG_REPEAT_INTERVAL_MS: String(INTERVAL),
      ALERT_WEBHOOK_URL: sink.url,
      RECONCILE_USERS: 'sandbox-host',
      RECONCILE_INTERVAL_MS: '60000',
    },
    zoom,
  );
  const lines = (msg: string) => (service.logs.lines as Line[]).filter((l) => l.msg === msg);
  const readyz = async () => (await fetch(`${service.url}/readyz`)).status;
  try {
    expect(await readyz()).toBe(200);
    await redis.stop();
    const stoppedAt = Date.now();
    // Each worker's throttle has folded repeats into a counted line: the flood was there.
    await eventually(
      () => WORKERS.every((m) => lines(m).some((l) => (l.repeated ?? 0) > 0)),
      20_000,
    );
    const intervals = Math.floor((Date.now() - stoppedAt) / INTERVAL) + 1;
    for (const message of WORKERS) {
      const perShape = new Map<string, number>();
      for (const l of lines(message)) {
        const shape = errorShape(l.err!.message);
        perShape.set(shape, (perShape.get(shape) ?? 0) + 1);
      }
      for (const count of perShape.values()) expect(count).toBeLessThanOrEqual(intervals);
      expect(lines(message).find((l) => l.repeated)).toMatchObject({ intervalMs: INTERVAL });
    }
    // A load balancer probing /readyz: the problem is logged when it starts, not per probe.
    for (let i = 0; i < 5; i++) expect(await readyz()).toBe(503);
    expect(lines('not ready')).toHaveLength(1);
    const back = await startPrivateRedis([], redis.port);
    try {
      await eventually(async () => (await readyz()) === 200);
      expect(await readyz()).toBe(200);
      expect(lines('ready again')).toHaveLength(1);
    } finally {
      await service.stop();
      await back.stop();
    }
  } finally {
    await sink.close();
    await zoom.close();
  }
});

it('ships with a repeating error logged again every 10 s', () => {
  expect(loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 'x' }, 'receiver').logRepeatIntervalMs).toBe(
    10_000,
  );
});
