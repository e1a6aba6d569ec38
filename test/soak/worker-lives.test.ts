import { parseSoakOptions } from '../../soak/options';
import { workerLives } from '../../soak/worker-lives';

const MB = 1048576;

it("follows each worker process's memory by pid, the longest-lived first, with its later slope", () => {
  // pid 1 lives 10 minutes and grows 1 MB a minute; pid 2 is replaced by pid 3 at minute 4.
  const samples = Array.from({ length: 11 }, (_, m) => ({
    at: 1000 + m * 60_000,
    workers: [
      { pid: 1, rss: (100 + m) * MB },
      m < 4 ? { pid: 2, rss: 150 * MB } : { pid: 3, rss: (120 + m) * MB },
    ],
  }));
  const lives = workerLives(samples, 1000);
  expect(lives.map((l) => l.pid)).toEqual([1, 3, 2]);
  expect(lives[0]).toMatchObject({ from: 0, to: 600_000, fromBytes: 100 * MB, toBytes: 110 * MB });
  expect(lives[0]!.laterSlopeBytesPerMin).toBeCloseTo(MB);
  expect(lives[2]!.laterSlopeBytesPerMin).toBe(0); // flat
});

it('leaves the fault kinds named by --without out, and refuses a kind it does not know', () => {
  expect(parseSoakOptions(['--without', 'worker_kill,deploy']).without).toEqual([
    'worker_kill',
    'deploy',
  ]);
  expect(parseSoakOptions([]).without).toEqual([]);
  expect(() => parseSoakOptions(['--without', 'worker_kill,meteor'])).toThrow(
    /unknown fault kind meteor/,
  );
});
