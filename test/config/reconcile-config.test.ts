import { ConfigError, loadConfig } from '../../src/config/load-config';
import { documented } from '../support/documented';

const ENV = {
  ZOOM_WEBHOOK_SECRET_TOKEN: 's',
  ZOOM_ACCOUNT_ID: 'acc',
  ZOOM_CLIENT_ID: 'cid',
  ZOOM_CLIENT_SECRET: 'csecret',
};

describe('reconciliation settings', () => {
  it('sweeps every 60 s by default (RECONCILE_INTERVAL_MS=60000)', () => {
    expect(loadConfig(ENV).reconcile.intervalMs).toBe(60_000);
    expect(documented('RECONCILE_INTERVAL_MS')).toEqual({ doc: '60000', example: '60000' });
  });

  it('checks meetings starting within the next hour by default (PREFLIGHT_LEAD_MS=3600000)', () => {
    expect(loadConfig(ENV).reconcile.preflightLeadMs).toBe(3_600_000);
    expect(documented('PREFLIGHT_LEAD_MS')).toEqual({ doc: '3600000', example: '3600000' });
  });

  it('covers the rules file hosts when RECONCILE_USERS is unset; "all" or a list otherwise', () => {
    expect(loadConfig(ENV).reconcile.users).toEqual({ kind: 'rules' });
    expect(loadConfig({ ...ENV, RECONCILE_USERS: 'ALL' }).reconcile.users).toEqual({ kind: 'all' });
    expect(
      loadConfig({ ...ENV, RECONCILE_USERS: ' u-1, host@example.com ,u-1' }).reconcile.users,
    ).toEqual({ kind: 'list', ids: ['u-1', 'host@example.com'] });
    const off = loadConfig({ ...ENV, RECONCILE_INTERVAL_MS: '0', PREFLIGHT_LEAD_MS: '0' });
    expect(off.reconcile).toMatchObject({ intervalMs: 0, preflightLeadMs: 0 });
  });

  it('reports every wrong variable at once, with the rest of the configuration', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({
        ...ENV,
        PORT: 'eighty',
        RECONCILE_USERS: 'u-1,,u/2',
        RECONCILE_INTERVAL_MS: '500',
        PREFLIGHT_LEAD_MS: '1h',
      });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'RECONCILE_USERS',
      'RECONCILE_INTERVAL_MS',
      'PREFLIGHT_LEAD_MS',
    ]);
    expect(problems[2]).toContain('must be 0 (off) or 1000 to 86400000 (got "500")');
  });
});
