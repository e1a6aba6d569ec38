import { ConfigError, loadConfig } from '../../src/config/load-config';
import { hashTag } from '../../src/domain/hash-tag';
import { cli } from '../support/cli';

const BASE = { ROLE: 'receiver', ZOOM_WEBHOOK_SECRET_TOKEN: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('Redis modes', () => {
  it('Sentinel: host:port list, master name, passwords and TLS', () => {
    const config = loadConfig({
      ...BASE,
      REDIS_SENTINELS: 's1:26379, [::1]:26380,10.0.0.3:26381',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_PASSWORD: 'pw-data',
      REDIS_SENTINEL_PASSWORD: 'pw-sentinel',
      REDIS_TLS: 'true',
    });
    expect(config.redis.mode).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
        { host: '10.0.0.3', port: 26381 },
      ],
      masterName: 'mymaster',
      password: 'pw-data',
      sentinelPassword: 'pw-sentinel',
      tls: true,
    });
  });

  it('Cluster: seed nodes and a prefix with a hash tag', () => {
    const config = loadConfig({
      ...BASE,
      REDIS_CLUSTER_NODES: 'a:7000,b:7001',
      QUEUE_PREFIX: '{zlw}',
      REDIS_MIN_REPLICAS_ACK: '1',
    });
    expect(config.redis.mode).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(config.redis.minReplicasAck).toBe(1);
  });

  it('standalone stays the default (embedded Redis without REDIS_URL)', () => {
    expect(loadConfig(BASE).redis.mode).toEqual({ kind: 'standalone', url: undefined });
  });

  it('refuses a cluster prefix without a hash tag, naming the fix', () => {
    for (const prefix of ['zlw', '{}zlw', 'z{lw']) {
      const found = problems({ REDIS_CLUSTER_NODES: 'a:7000', QUEUE_PREFIX: prefix });
      expect(found).toEqual([
        expect.stringMatching(/^QUEUE_PREFIX: Redis Cluster needs a hash tag/),
      ]);
    }
    expect(problems({ REDIS_CLUSTER_NODES: 'a:7000' })[0]).toContain('such as {zlw}');
  });

  it('more than one mode is an error naming them', () => {
    const found = problems({
      REDIS_URL: 'redis://localhost:6379',
      REDIS_SENTINELS: 'a:26379',
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_CLUSTER_NODES: 'a:7000',
      QUEUE_PREFIX: '{q}',
    });
    expect(found).toEqual([
      'REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES: set only one Redis mode (standalone, Sentinel or Cluster)',
    ]);
  });

  it('names every bad host:port entry, and every missing or stray companion', () => {
    const found = problems({
      REDIS_SENTINELS: 'good:26379,nohost,bad:0,x:99999,:1',
      REDIS_CLUSTER_NODES: 'a:7000;b:7001',
      REDIS_TLS: 'yes',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'REDIS_SENTINELS: not host:port (port 1-65535): "nohost", "bad:0", "x:99999", ":1" (got "good:26379,nohost,bad:0,x:99999,:1")',
        expect.stringMatching(/^REDIS_CLUSTER_NODES: not host:port.*"a:7000;b:7001"/),
        expect.stringMatching(/^REDIS_TLS: must be true or false/),
        'REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS (the master name)',
      ]),
    );
    expect(problems({ REDIS_PASSWORD: 'pw', REDIS_SENTINEL_MASTER: 'm' })).toEqual([
      'REDIS_SENTINEL_MASTER: is only used with REDIS_SENTINELS',
      'REDIS_PASSWORD: the embedded Redis has no password; set REDIS_URL too',
    ]);
    expect(problems({ REDIS_URL: 'redis://:a@h:1', REDIS_PASSWORD: 'b' })).toEqual([
      'REDIS_PASSWORD: REDIS_URL carries a password already; set it in one place',
    ]);
    expect(problems({ REDIS_URL: 'redis://h:1', REDIS_TLS: 'true' })[0]).toMatch(
      /^REDIS_TLS: .*rediss:/,
    );
    const standalone = loadConfig({ ...BASE, REDIS_URL: 'redis://h:1', REDIS_PASSWORD: 'pw' });
    expect(standalone.redis.mode).toEqual({
      kind: 'standalone',
      url: 'redis://h:1',
      password: 'pw',
    });
  });

  it('a REDIS_URL listing several nodes is refused at start-up, pointing at the modes', () => {
    expect(problems({ REDIS_URL: 'redis://a:7000,b:7001' })).toEqual([
      'REDIS_URL: must be one redis:// or rediss:// URL with one host (several nodes: REDIS_CLUSTER_NODES or REDIS_SENTINELS)',
    ]);
  });

  it('never echoes a Redis password', () => {
    const found = problems({
      REDIS_SENTINELS: 'a:1',
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_PASSWORD: '',
      REDIS_SENTINEL_PASSWORD: '',
      REDIS_URL: 'redis://:hunter2-url@x:1',
    }).join('\n');
    expect(found).not.toContain('hunter2');
  });

  it('`start` exits 78 with the hash-tag problem before touching Redis', async () => {
    const run = await cli(['start', '--role', 'receiver'], {
      ...BASE,
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '127.0.0.1:1',
      QUEUE_PREFIX: 'zlw',
      REDIS_PASSWORD: 'cluster-secret-pw',
    });
    expect(run.code).toBe(78);
    expect(run.err).toMatch(
      /QUEUE_PREFIX: Redis Cluster needs a hash tag in the prefix, such as \{zlw\}/,
    );
    expect(run.out + run.err).not.toContain('cluster-secret-pw');
  });
});

describe('hashTag (Redis Cluster rules)', () => {
  it.each([
    ['{zlw}', 'zlw'],
    ['{zlw}:livestream:1', 'zlw'],
    ['a{b}c{d}', 'b'],
    ['{}x{y}', undefined],
    ['zlw', undefined],
    ['{zlw', undefined],
    ['}{a}', 'a'],
  ])('%s → %s', (key, tag) => expect(hashTag(key)).toBe(tag));
});
