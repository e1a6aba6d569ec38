import { ConfigError, loadConfig } from '../../src/config/load-config';

const WORKER_ENV = { ZOOM_ACCOUNT_ID: 'acc', ZOOM_CLIENT_ID: 'cid', ZOOM_CLIENT_SECRET: 'csecret' };

function problems(env: Record<string, string>, role?: string): string[] {
  try {
    loadConfig(env, role);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('names every wrong variable in one error', () => {
    const found = problems({
      PORT: 'eighty',
      WEBHOOK_TOLERANCE_SECONDS: '-5',
      REDIS_URL: 'http://nope',
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'fancy',
      LIVESTREAM_RETRY_DELAY_MS: '30s',
      LIVESTREAM_ACTIVE_SPEAKER_NAME: 'yes',
      ZOOM_API_BASE_URL: 'not a url',
    });
    const names = found.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'WEBHOOK_TOLERANCE_SECONDS',
        'REDIS_URL',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'LIVESTREAM_RETRY_DELAY_MS',
        'LIVESTREAM_ACTIVE_SPEAKER_NAME',
        'ZOOM_API_BASE_URL',
        'ZOOM_WEBHOOK_SECRET_TOKEN',
        'ZOOM_ACCOUNT_ID',
        'ZOOM_CLIENT_ID',
        'ZOOM_CLIENT_SECRET',
      ]),
    );
    expect(found.find((p) => p.startsWith('PORT'))).toContain('"eighty"');
  });

  it('never echoes secret values', () => {
    const error = (() => {
      try {
        loadConfig({
          ZOOM_WEBHOOK_SECRET_TOKEN: ' , ',
          REDIS_URL: 'redis//user:hunter2@x',
          ...WORKER_ENV,
        });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message).toContain('ZOOM_WEBHOOK_SECRET_TOKEN');
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('requires only what the role runs', () => {
    expect(loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 's' }, 'receiver').role).toBe('receiver');
    expect(loadConfig(WORKER_ENV, 'worker').role).toBe('worker');
    expect(problems({ ZOOM_WEBHOOK_SECRET_TOKEN: 's' }, 'all')).toHaveLength(3);
    expect(problems({}, 'worker').map((p) => p.split(':')[0])).toEqual([
      'ZOOM_ACCOUNT_ID',
      'ZOOM_CLIENT_ID',
      'ZOOM_CLIENT_SECRET',
    ]);
  });

  it('ships the documented defaults, including the 30-second livestream wait', () => {
    const config = loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 's', ...WORKER_ENV });
    expect(config.livestream.retryDelayMs).toBe(30_000);
    expect(config.livestream.giveUpAfterMs).toBe(14_400_000);
    expect(config.livestream.backoffBaseMs).toBe(2000);
    expect(config.livestream.backoffMaxMs).toBe(60_000);
    expect(config.livestream.unavailableAlertAfterMs).toBe(300_000);
    expect(config.http).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(config.webhook.toleranceSeconds).toBe(300);
    expect(config.webhook.bodyLimitBytes).toBe(262_144);
    expect(config.worker.concurrency).toBe(10);
    expect(config.zoom.apiBaseUrl).toBe('https://api.zoom.us/v2');
    expect(config.zoom.oauthTokenUrl).toBe('https://zoom.us/oauth/token');
    expect(config.redis.url).toBeUndefined();
    expect(config.livestream.settings).toEqual({});
  });

  it('splits a comma-separated secret list and reads livestream settings', () => {
    const config = loadConfig({
      ZOOM_WEBHOOK_SECRET_TOKEN: 'one, two,,',
      LIVESTREAM_DISPLAY_NAME: 'Main hall',
      LIVESTREAM_ACTIVE_SPEAKER_NAME: 'false',
      ...WORKER_ENV,
    });
    expect(config.webhook.secrets).toEqual(['one', 'two']);
    expect(config.livestream.settings).toEqual({
      display_name: 'Main hall',
      active_speaker_name: false,
    });
    expect(Object.isFrozen(config.webhook)).toBe(true);
  });

  it('rejects a display name over 50 characters and a body limit of 1 MB', () => {
    expect(
      problems(
        {
          ZOOM_WEBHOOK_SECRET_TOKEN: 's',
          LIVESTREAM_DISPLAY_NAME: 'x'.repeat(51),
          WEBHOOK_BODY_LIMIT_BYTES: '1048576',
        },
        'receiver',
      ),
    ).toEqual([
      expect.stringMatching(/^WEBHOOK_BODY_LIMIT_BYTES/),
      expect.stringMatching(/^LIVESTREAM_DISPLAY_NAME/),
    ]);
  });
});

describe('ACCOUNTS_FILE', () => {
  it('replaces the ZOOM_* credentials, and refuses them set as well, naming each', () => {
    expect(loadConfig({ ACCOUNTS_FILE: 'accounts.yaml' }).accountsFile).toBe('accounts.yaml');
    expect(
      problems({
        ACCOUNTS_FILE: 'accounts.yaml',
        ZOOM_CLIENT_ID: 'cid',
        ZOOM_WEBHOOK_SECRET_TOKEN: 'secret-value',
      }),
    ).toEqual([
      "ACCOUNTS_FILE: ZOOM_CLIENT_ID, ZOOM_WEBHOOK_SECRET_TOKEN are set too; with an accounts file each account's credentials and secret come from the file: unset them",
    ]);
  });
});
