import { errorShape } from '../../src/logging/log-throttle';
import { eventually } from '../support/service';
import { post } from '../support/webhook';
import {
  PASSWORD,
  SENTINEL_PASSWORD,
  sendThroughFailover,
  sentinelWorld,
  startEvent,
  unstarted,
  type Answer,
  type SentinelWorld,
} from './sentinel-world';

let world: SentinelWorld | undefined;
afterEach(async () => {
  for (const r of world?.group.replicas ?? []) r.process.kill('SIGCONT');
  await world?.close();
  world = undefined;
});

/** Meetings 1-3 get their 429 and wait in Redis for the retry. */
async function meetingsWaiting(w: SentinelWorld): Promise<number[]> {
  for (const id of [1, 2, 3]) expect((await post(w.app.url, startEvent(id))).status).toBe(204);
  await eventually(() => w.zoom.livestreamCalls().length >= 3);
  return [1, 2, 3];
}

const replicasStopped = (w: SentinelWorld, signal: 'SIGSTOP' | 'SIGCONT') =>
  w.group.replicas.forEach((r) => r.process.kill(signal));

/** What the note reports, and the invariants both settings share. */
async function checkAfterFailover(
  w: SentinelWorld,
  acked: number[],
  answers: Answer[],
  killedAt: number,
) {
  const lost = await unstarted(w, acked, 40_000);
  // Every start that happened, happened once (acknowledged or not: a 503'd job may still run).
  for (const [id, n] of w.starts()) expect([id, n]).toEqual([id, 1]);
  expect(new Set(answers.map((a) => a.status))).toEqual(new Set([204, 503]));
  const failures = answers.filter((a) => a.status === 503 && a.at >= killedAt);
  expect(failures.length).toBeGreaterThan(0);
  await eventually(async () => (await fetch(`${w.app.url}/readyz`)).status === 200, 20_000, 200);
  expect(w.app.child.exitCode).toBeNull(); // no restart
  const output = w.app.output();
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toContain(SENTINEL_PASSWORD);
  // The failover used no attempt: no start job failed or errored.
  expect(output).not.toMatch(/"msg":"(start job error|livestream start failed)"/);
  // Errors during the failover are folded, not logged per retry: a line repeating an error of the
  // same shape (other job, port or delay) comes only after the interval, with a `repeated` count.
  const seen = new Set<string>();
  for (const line of output.split('\n').filter((l) => l.includes('"level":50'))) {
    const { msg, err } = JSON.parse(line) as { msg: string; err?: { message: string } };
    if (msg === 'webhook handled') continue; // one line per request, by design
    const shape = `${msg}|${errorShape(err?.message ?? '')}`;
    if (seen.has(shape)) expect(line).toContain('"repeated":');
    seen.add(shape);
  }
  const recoveredAt = Math.max(...failures.map((a) => a.at));
  const afterFailover = [...acked].filter((id) => (w.startedAt(id) ?? 0) > recoveredAt).length;
  return {
    lost,
    window503s: ((recoveredAt - Math.min(...failures.map((a) => a.at))) / 1000).toFixed(1),
    answered503: failures.length,
    answered2xx: acked.length,
    startsAfterFailover: afterFailover,
  };
}

it('REDIS_MIN_REPLICAS_ACK=1: unreplicated writes get 503; master SIGKILLed right after a 2xx while meetings wait and webhooks arrive: 503 during failover, none lost, each started once, worker resumes', async () => {
  // With alerts on, the alert worker rides the failover too (no alert is expected to be sent).
  world = await sentinelWorld({
    REDIS_MIN_REPLICAS_ACK: '1',
    ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts',
  });
  const waiting = await meetingsWaiting(world);
  replicasStopped(world, 'SIGSTOP');
  const unreplicated = await post(world.app.url, startEvent(4));
  replicasStopped(world, 'SIGCONT');
  expect(unreplicated.status).toBe(503);

  const { answers, killedAt } = await sendThroughFailover(world, 100);
  const acked = [...waiting, ...answers.filter((a) => a.status === 204).map((a) => a.id)];
  const figures = await checkAfterFailover(world, acked, answers, killedAt);
  expect(figures.lost).toEqual([]);
  console.log('sentinel failover, REDIS_MIN_REPLICAS_ACK=1', {
    ...figures,
    lost: figures.lost.length,
  });
});

it('without REDIS_MIN_REPLICAS_ACK: 2xx while no replica confirmed, master SIGKILLed, then failover: 503 during it, each start once, worker resumes (acknowledged-but-lost measured)', async () => {
  world = await sentinelWorld({});
  const waiting = await meetingsWaiting(world);
  replicasStopped(world, 'SIGSTOP');
  const onlyOnMaster: number[] = [];
  for (const id of [4, 5, 6, 7, 8]) {
    expect((await post(world.app.url, startEvent(id))).status).toBe(204);
    onlyOnMaster.push(id);
  }
  await world.group.master.kill();
  const killedAt = Date.now();
  replicasStopped(world, 'SIGCONT');
  const { answers } = await sendThroughFailover(world, 100, 0);
  const acked = [
    ...waiting,
    ...onlyOnMaster,
    ...answers.filter((a) => a.status === 204).map((a) => a.id),
  ];
  const figures = await checkAfterFailover(world, acked, answers, killedAt);
  for (const id of waiting) expect(figures.lost).not.toContain(id);
  console.log('sentinel failover, no REDIS_MIN_REPLICAS_ACK', {
    ...figures,
    lost: figures.lost.length,
    lostIds: figures.lost,
  });
});
