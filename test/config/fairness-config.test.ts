import { ConfigError, loadConfig } from '../../src/config/load-config';
import { documented } from '../support/documented';

const ENV = {
  ZOOM_WEBHOOK_SECRET_TOKEN: 's',
  ZOOM_ACCOUNT_ID: 'acc',
  ZOOM_CLIENT_ID: 'cid',
  ZOOM_CLIENT_SECRET: 'csecret',
};

it('waits at most 250 ms for a pacing slot in place by default (ZOOM_PACER_INLINE_WAIT_MS=250)', () => {
  expect(loadConfig(ENV).zoom.pacerInlineWaitMs).toBe(250);
  expect(documented('ZOOM_PACER_INLINE_WAIT_MS')).toEqual({ doc: '250', example: '250' });
  expect(loadConfig({ ...ENV, ZOOM_PACER_INLINE_WAIT_MS: '0' }).zoom.pacerInlineWaitMs).toBe(0);
});

it('leaves the slots per account to the number of accounts by default (WORKER_SLOTS_PER_ACCOUNT unset)', () => {
  expect(loadConfig(ENV).worker.slotsPerAccount).toBeUndefined();
  expect(documented('WORKER_SLOTS_PER_ACCOUNT')).toEqual({ doc: undefined, example: undefined });
  expect(loadConfig({ ...ENV, WORKER_SLOTS_PER_ACCOUNT: '3' }).worker.slotsPerAccount).toBe(3);
});

it('names a wrong value of either', () => {
  let problems: readonly string[] = [];
  try {
    loadConfig({ ...ENV, ZOOM_PACER_INLINE_WAIT_MS: '-1', WORKER_SLOTS_PER_ACCOUNT: '0' });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  expect(problems.join('\n')).toMatch(/ZOOM_PACER_INLINE_WAIT_MS/);
  expect(problems.join('\n')).toMatch(/WORKER_SLOTS_PER_ACCOUNT/);
});
