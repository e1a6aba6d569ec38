import { loadConfig } from '../../src/config/load-config';

const base = { ROLE: 'receiver', ZOOM_WEBHOOK_SECRET_TOKEN: 'secret' };
const tracing = (env: Record<string, string>) => loadConfig({ ...base, ...env }).tracing;

it('is off unless an OTLP endpoint or a traces exporter is set', () => {
  expect(tracing({})).toEqual({ exporter: undefined, serviceName: 'zoom-livestream-worker' });
  expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporter).toBe('otlp');
  expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).exporter).toBe(
    'otlp',
  );
  expect(tracing({ OTEL_TRACES_EXPORTER: 'console' }).exporter).toBe('console');
});

it('stays off with OTEL_TRACES_EXPORTER=none even when an endpoint is set', () => {
  expect(
    tracing({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })
      .exporter,
  ).toBeUndefined();
});

it('names the service from OTEL_SERVICE_NAME and rejects an unknown exporter', () => {
  expect(tracing({ OTEL_SERVICE_NAME: 'streams-eu' }).serviceName).toBe('streams-eu');
  expect(() => tracing({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
});
