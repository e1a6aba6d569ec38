import { Gauge, type Registry } from 'prom-client';

type ReadinessCheck = () => Promise<{ ready: boolean; redis: boolean }>;

/**
 * `zlw_ready` and `zlw_redis_ready`, from the watched readiness check on every scrape. Both are
 * collected in one scrape: they share one check.
 */
export function registerReadinessGauges(registry: Registry): (check: ReadinessCheck) => void {
  const readiness: ReadinessCheck[] = [];
  let pending: Promise<{ ready: boolean; redis: boolean } | undefined> | undefined;
  const report = () =>
    (pending ??= (async () => {
      const check = readiness[0];
      const result = check && (await check().catch(() => ({ ready: false, redis: false })));
      setImmediate(() => (pending = undefined));
      return result;
    })());
  new Gauge({
    name: 'zlw_ready',
    help: '1 when /readyz answers 200 (Redis accepts writes and never evicts; for workers, Zoom accepts the credentials of at least one account), else 0.',
    registers: [registry],
    async collect() {
      const r = await report();
      if (r) this.set(r.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'zlw_redis_ready',
    help: '1 when Redis accepts a write to a key of ours and never evicts keys, else 0.',
    registers: [registry],
    async collect() {
      const r = await report();
      if (r) this.set(r.redis ? 1 : 0);
    },
  });
  return (check) => void readiness.push(check);
}
