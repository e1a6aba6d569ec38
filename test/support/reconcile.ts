import { type TestService, eventually } from './service';

/** The sweeps this service ran (its `reconcile sweep done` log lines). */
export function sweeps(service: TestService): Record<string, unknown>[] {
  return service.logs.lines.filter((l) => l.msg === 'reconcile sweep done');
}

/** Waits until the service has logged `count` more sweeps than it had when called. */
export async function moreSweeps(service: TestService, count: number, timeoutMs = 15_000) {
  const target = sweeps(service).length + count;
  await eventually(() => sweeps(service).length >= target, timeoutMs);
  return sweeps(service).slice(target - count);
}
