import type { EmbeddedRedis, RedisExit } from '../../src/redis/embedded-redis';
import { superviseEmbeddedRedis } from '../../src/redis/redis-supervisor';
import { captureLog } from '../support/log-capture';

/** A server the test ends by hand: `exit()` is what a crash looks like to the supervisor. */
function fakeRedis(pid: number) {
  let exit!: (e: RedisExit) => void;
  const exited = new Promise<RedisExit>((r) => (exit = r));
  const redis: EmbeddedRedis = {
    url: 'redis://127.0.0.1:6390',
    port: 6390,
    pid,
    owned: true,
    whenExited: () => exited,
    stop: () => Promise.resolve(exit({ code: 0, signal: null })),
    kill: () => undefined,
  };
  return { redis, exit };
}

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

it('restarts after the delay, doubling it for each restart within the window, and gives up after the limit', async () => {
  const logs = captureLog();
  const attempts: number[] = [];
  const first = fakeRedis(100);
  const supervised = superviseEmbeddedRedis(first.redis, {
    restart: () => {
      attempts.push(Date.now());
      return Promise.reject(new Error('embedded redis-server did not start: exited with code 1'));
    },
    policy: { delayMs: 100, maxRestarts: 3, windowMs: 10_000 },
    log: logs.log,
  });
  let gaveUp: string | undefined;
  void supervised.gaveUp.then((reason) => (gaveUp = reason));

  first.exit({ code: null, signal: 'SIGKILL' });
  await jest.advanceTimersByTimeAsync(0);
  expect(supervised.state()).toEqual({
    status: 'restarting',
    words: 'embedded Redis exited (code none, signal SIGKILL); restarting (attempt 1 of 3)',
  });
  await jest.advanceTimersByTimeAsync(1000);
  expect(attempts).toEqual([100, 300, 700]); // 100 ms, then 200, then 400
  expect(gaveUp).toBe(
    'embedded Redis did not restart: embedded redis-server did not start: exited with code 1, 3 restarts within 10000 ms did not keep it up',
  );
  expect(supervised.state().status).toBe('failed');
  expect(logs.lines.filter((l) => l.msg === 'embedded redis did not restart')).toHaveLength(3);
});

it('counts only the restarts within the window: a Redis that crashes now and then is always restarted', async () => {
  const logs = captureLog();
  let current = fakeRedis(100);
  let pid = 100;
  const supervised = superviseEmbeddedRedis(current.redis, {
    restart: () => {
      current = fakeRedis(++pid);
      return Promise.resolve(current.redis);
    },
    policy: { delayMs: 100, maxRestarts: 1, windowMs: 5000 },
    log: logs.log,
  });
  for (let crash = 0; crash < 4; crash++) {
    current.exit({ code: 1, signal: null });
    await jest.advanceTimersByTimeAsync(100); // always the first delay: no restart in the window
    expect(supervised.state()).toEqual({ status: 'running', pid: 101 + crash });
    await jest.advanceTimersByTimeAsync(5000);
  }
  expect(logs.lines.filter((l) => l.msg === 'embedded redis restarted')).toHaveLength(4);
  await supervised.stop();
});

it('stops restarting once stopped: an exit during shutdown is not a crash', async () => {
  const logs = captureLog();
  const first = fakeRedis(100);
  const restart = jest.fn(() => Promise.resolve(fakeRedis(101).redis));
  const supervised = superviseEmbeddedRedis(first.redis, {
    restart,
    policy: { delayMs: 100, maxRestarts: 3, windowMs: 10_000 },
    log: logs.log,
  });
  await supervised.stop();
  await jest.advanceTimersByTimeAsync(1000);
  expect(restart).not.toHaveBeenCalled();
  expect(logs.lines.filter((l) => l.msg === 'embedded redis exited')).toHaveLength(0);
});
