import { startZoomSandbox } from '../src/sandbox/zoom-sandbox';
import { serviceProcess, webhook, zoomEnv, type BenchContext } from './fixtures';
import { percentile, sleep } from './lib';
import { record, recordValue } from './report';

/**
 * Webhook → PATCH latency with an idle worker, and the 429 path against the configured delay.
 * Service process "all"; the sandbox runs in this process, so both ends share a clock.
 */
export async function endToEndFigures(ctx: BenchContext): Promise<void> {
  console.log('end to end (service process "all"; sandbox in this process, one clock)');
  for (const [label, limited, delay] of [
    ['latency', 0, 30_000],
    ['429', 1, 3000],
  ] as const) {
    const answers = new Map<string, { status: number; at: number }[]>();
    const zoom = await startZoomSandbox({
      rateLimitedStarts: limited,
      onAnswer: (req, status) => {
        const id = /meetings\/(\d+)\/livestream\/status/.exec(req.path)?.[1];
        const at = performance.timeOrigin + performance.now();
        if (id) answers.set(id, [...(answers.get(id) ?? []), { status, at }]);
      },
    });
    ctx.cleanups.push(() => zoom.close());
    const app = await serviceProcess('all', {
      REDIS_URL: ctx.redisUrl,
      QUEUE_PREFIX: `bench5${label}`,
      LIVESTREAM_RETRY_DELAY_MS: String(delay),
      ...zoomEnv(zoom),
    });
    ctx.cleanups.push(() => app.stop());
    const sentAt = new Map<string, number>();
    const count = label === 'latency' ? 100 : 20;
    for (let i = 0; i < count; i++) {
      const id = String(20_000 + i);
      const w = webhook(Number(id));
      sentAt.set(id, performance.timeOrigin + performance.now());
      const res = await fetch(`${app.url}/webhooks/zoom`, { method: 'POST', ...w });
      if (res.status !== 204) throw new Error(`webhook answered ${res.status}`);
      await sleep(100); // 10/s: under the default pacing limit of 20/s, so the worker is idle
    }
    const needed = label === 'latency' ? 1 : 2;
    const until = Date.now() + delay + 15_000;
    const pending = () => [...sentAt.keys()].some((id) => (answers.get(id)?.length ?? 0) < needed);
    while (pending() && Date.now() < until) await sleep(50);
    if (label === 'latency') {
      const latencies = [...sentAt].map(([id, t]) => answers.get(id)![0]!.at - t);
      const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
      recordValue('webhook -> PATCH received p50 (idle worker)', p50, 'ms', '<= 10 ms', p50 <= 10);
      recordValue('webhook -> PATCH received p99 (idle worker)', p99, 'ms', '<= 50 ms', p99 <= 50);
    } else {
      const gaps = [...sentAt.keys()].map((id) => {
        const [first, second] = answers.get(id)!;
        return second!.at - first!.at;
      });
      const within = (ms: number) => ms >= delay && ms <= delay + 1000;
      for (const [name, value] of [
        ['429 -> next PATCH, worst of 20', Math.max(...gaps)],
        ['429 -> next PATCH, median of 20', percentile(gaps, 50)],
      ] as const)
        record({
          name,
          value,
          unit: 'ms',
          baseline: delay,
          ratio: value / delay,
          target: 'delay +0..1000 ms',
          pass: within(value) && within(Math.min(...gaps)),
        });
    }
    await app.stop();
    await zoom.close();
  }
}
