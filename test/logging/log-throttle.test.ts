import { createLogThrottle } from '../../src/logging/log-throttle';
import { captureLog } from '../support/log-capture';

it('logs a repeating error once per interval with the count of the folded repeats', () => {
  const logs = captureLog();
  let clock = 0;
  const logError = createLogThrottle(logs.log, 10_000, { now: () => clock });
  const moved = new Error('MOVED 8190 127.0.0.1:7001');
  for (let i = 0; i < 2800; i++) logError('worker error', moved); // one second of a busy loop
  expect(logs.lines).toHaveLength(1);
  logError('worker error', new Error('Connection is closed.')); // another error: its own line
  expect(logs.lines).toHaveLength(2);
  clock = 10_000;
  logError('worker error', moved);
  expect(logs.lines).toHaveLength(3);
  expect(logs.lines[2]).toMatchObject({
    msg: 'worker error',
    err: { message: 'MOVED 8190 127.0.0.1:7001' },
    repeated: 2799,
    intervalMs: 10_000,
  });
});

it('folds errors that differ only in numbers and job ids (one failover, many jobs and ports)', () => {
  const logs = captureLog();
  const logError = createLogThrottle(logs.log, 10_000, { now: () => 0 });
  for (const id of ['meeting-aGEtMTAx', 'meeting-aGEtMTAy', 'webinar-eHk']) {
    logError('worker error', new Error(`could not renew lock for job ${id}`));
    logError('worker error', new Error(`Missing lock for job ${id}. moveToDelayed`));
  }
  for (const ms of [200, 400, 600])
    logError('worker error', new Error(`All sentinels are unreachable. Retrying after ${ms}ms.`));
  expect(logs.lines.map((l) => (l.err as { message: string }).message)).toEqual([
    'could not renew lock for job meeting-aGEtMTAx',
    'Missing lock for job meeting-aGEtMTAx. moveToDelayed',
    'All sentinels are unreachable. Retrying after 200ms.',
  ]);
});
