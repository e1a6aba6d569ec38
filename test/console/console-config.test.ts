import { ConfigError, loadConfig } from '../../src/config/load-config';
import { documented } from '../support/documented';

const ENV = { ZOOM_WEBHOOK_SECRET_TOKEN: 's', ROLE: 'receiver' };

describe('console settings', () => {
  it('lists a start under "Needs attention" after 10 minutes of waiting by default', () => {
    expect(loadConfig(ENV).console.attentionAfterMs).toBe(600_000);
    expect(documented('CONSOLE_ATTENTION_AFTER_MS')).toEqual({
      doc: '600000',
      example: '600000',
    });
  });

  it('derives the CSRF key from the admin password unless CONSOLE_CSRF_SECRET is set', () => {
    expect(loadConfig(ENV).console.csrfSecret).toBeUndefined();
    const secret = 'x'.repeat(32);
    expect(loadConfig({ ...ENV, CONSOLE_CSRF_SECRET: secret }).console.csrfSecret).toBe(secret);
  });

  it('refuses a short secret without printing it', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ ...ENV, CONSOLE_CSRF_SECRET: 'short-secret-value' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual(['CONSOLE_CSRF_SECRET: must be at least 32 characters']);
    expect(problems.join()).not.toContain('short-secret-value');
  });
});
