import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { connectionsCheckingInterval, createLimitedServer } from '../../src/service/http-limits';

const ROOT = join(__dirname, '..', '..');
const RECEIVER = { ZOOM_WEBHOOK_SECRET_TOKEN: 's' };

/** The default column of `name`'s row in docs/configuration.md. */
function documentedDefault(name: string): string | undefined {
  const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  return new RegExp(`^\\| \`${name}\` +\\| \`([^\`]+)\``, 'm').exec(doc)?.[1];
}

/** The value `name` has in `.env.example`. */
function exampleValue(name: string): string | undefined {
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return new RegExp(`^${name}=(.*)$`, 'm').exec(example)?.[1];
}

const SHIPPED = {
  HTTP_HEADERS_TIMEOUT_MS: (c: ReturnType<typeof loadConfig>) => c.http.headersTimeoutMs,
  HTTP_REQUEST_TIMEOUT_MS: (c: ReturnType<typeof loadConfig>) => c.http.requestTimeoutMs,
  HTTP_IDLE_TIMEOUT_MS: (c: ReturnType<typeof loadConfig>) => c.http.idleTimeoutMs,
  HTTP_KEEP_ALIVE_TIMEOUT_MS: (c: ReturnType<typeof loadConfig>) => c.http.keepAliveTimeoutMs,
  HTTP_MAX_CONNECTIONS: (c: ReturnType<typeof loadConfig>) => c.http.maxConnections,
  WEBHOOK_REDIS_BUDGET_MS: (c: ReturnType<typeof loadConfig>) => c.webhook.redisBudgetMs,
};

it.each(Object.entries(SHIPPED))(
  '%s: the shipped default is what docs/configuration.md and .env.example say',
  (name, read) => {
    const value = String(read(loadConfig(RECEIVER, 'receiver')));
    expect(documentedDefault(name)).toBe(value);
    expect(exampleValue(name)).toBe(value);
  },
);

it('gives the server exactly the configured limits, checked often enough to hold them', () => {
  const limits = loadConfig(RECEIVER, 'receiver').http;
  const server = createLimitedServer(() => undefined, limits);
  expect({
    headersTimeout: server.headersTimeout,
    requestTimeout: server.requestTimeout,
    keepAliveTimeout: server.keepAliveTimeout,
    timeout: server.timeout,
    maxConnections: server.maxConnections,
  }).toEqual({
    headersTimeout: 5000,
    requestTimeout: 10_000,
    keepAliveTimeout: 65_000,
    timeout: 5000,
    maxConnections: 1000,
  });
  expect(connectionsCheckingInterval(limits)).toBe(1000);
  expect(connectionsCheckingInterval({ ...limits, headersTimeoutMs: 500 })).toBe(100);
});

it('refuses timeouts that contradict each other, naming the variable', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ ...RECEIVER, ...env }, 'receiver');
      return [];
    } catch (err) {
      return err instanceof ConfigError ? [...err.problems] : [String(err)];
    }
  };
  expect(problems({ HTTP_HEADERS_TIMEOUT_MS: '6000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toEqual([
    'HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS',
  ]);
  expect(problems({ HTTP_IDLE_TIMEOUT_MS: '2000' })).toEqual([
    'HTTP_IDLE_TIMEOUT_MS: must be longer than WEBHOOK_REDIS_BUDGET_MS',
  ]);
  expect(problems({ HTTP_MAX_CONNECTIONS: '0' })[0]).toMatch(/^HTTP_MAX_CONNECTIONS: must be at/);
});
