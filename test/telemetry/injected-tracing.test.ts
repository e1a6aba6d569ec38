import { createServer } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import {
  startTracing,
  type ActiveTracing,
  type SpanAttributes,
  type Tracing,
} from '../../src/telemetry/tracing';
import { createZoomDispatcher, sendOnce } from '../../src/zoom/http';
import { finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { startJobId } from '../../src/domain/start-job';

let zoom: ZoomSandbox | undefined;
let services: TestService[] = [];
let otel: ActiveTracing | undefined;
afterEach(async () => {
  for (const s of services) await s.stop();
  await zoom?.close();
  await otel?.shutdown();
  services = [];
  zoom = undefined;
  otel = undefined;
});

interface ClientCall {
  name: string;
  attributes: SpanAttributes;
  answer: SpanAttributes;
  failed?: string;
}

/** A tracer that records what the service asks of it; no OpenTelemetry anywhere. */
function recordingTracer(traceId: string) {
  const seen = {
    routes: [] as string[],
    requests: 0,
    calls: [] as ClientCall[],
    annotations: [] as SpanAttributes[],
  };
  const tracing: Tracing = {
    logFields: () => ({ trace_id: traceId }),
    webhookSpan: (route) => {
      seen.routes.push(route);
      return (_req, _res, next) => {
        seen.requests += 1;
        next();
      };
    },
    clientSpan: (name, attributes, run) => {
      const call: ClientCall = { name, attributes, answer: {} };
      seen.calls.push(call);
      return run({
        setAttributes: (a) => Object.assign(call.answer, a),
        fail: (type) => (call.failed = type),
      });
    },
    annotate: (a) => seen.annotations.push(a),
  };
  return { tracing, seen };
}

it('uses the tracer it is given for the webhook, each attempt, each Zoom call and every log line', async () => {
  const { tracing, seen } = recordingTracer('given-trace');
  zoom = await startZoomSandbox({ rateLimitedStarts: 1 });
  const s = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '200' }, zoom, tracing);
  services.push(s);
  expect((await post(s.url, signed(meetingEvent('meeting.started')))).status).toBe(204);
  const job = await finishedJob(s, startJobId('meeting', 'uuid-1=='));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });

  expect(seen.routes).toEqual(['/webhooks/zoom', '/webhooks/zoom/{name}']);
  expect(seen.requests).toBe(1);
  expect(seen.annotations).toContainEqual({
    'zoom.meeting.id': '85012345678',
    'zoom.event': 'meeting.started',
  });
  const decisions = seen.annotations.map((a) => a['livestream.decision']).filter(Boolean);
  expect(decisions).toEqual(['retry', 'done']);
  const patches = seen.calls.filter((c) => c.name === 'PATCH');
  expect(patches.map((p) => [p.answer['http.response.status_code'], p.failed])).toEqual([
    [429, '429'],
    [204, undefined],
  ]);
  expect(patches[0]!.answer['zoom.code']).toBe(429);
  expect(seen.calls.some((c) => c.attributes['zoom.endpoint'] === 'oauth')).toBe(true);
  const deferred = s.logs.lines.find((l) => l.msg === 'livestream start deferred');
  expect(deferred).toMatchObject({ trace_id: 'given-trace' });
  expect(s.logs.lines.filter((l) => l.trace_id !== 'given-trace')).toEqual([]);
}, 30_000);

it('two services, two tracers: each request is traced only by the service it reached', async () => {
  const a = recordingTracer('trace-a');
  const b = recordingTracer('trace-b');
  services.push(await startTestService({}, undefined, a.tracing));
  services.push(await startTestService({}, undefined, b.tracing));
  expect((await post(services[0]!.url, signed(meetingEvent('meeting.started')))).status).toBe(204);
  expect([a.seen.requests, b.seen.requests]).toEqual([1, 0]);
  expect(a.seen.annotations).toHaveLength(1);
  expect(b.seen.annotations).toEqual([]);
  const accepted = services[0]!.logs.lines.find((l) => l.meetingId !== undefined);
  expect(accepted).toMatchObject({ trace_id: 'trace-a' });
  expect(services[1]!.logs.text()).not.toContain('trace-a');
});

it('a Zoom call that gets no answer is a failed span naming the error', async () => {
  const exporter = new InMemorySpanExporter();
  otel = await startTracing({ exporter: undefined, serviceName: 't' }, { exporter });
  // A port that was free a moment ago: the connection is refused.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const dispatcher = createZoomDispatcher(1000);
  const call = sendOnce(dispatcher, 'livestream', `http://127.0.0.1:${port}/x?secret=1`, {
    method: 'GET',
    headers: {},
    timeoutMs: 1000,
    tracing: otel!,
  });
  await expect(call).rejects.toMatchObject({ name: 'ZoomNetworkError' });
  await dispatcher.destroy();
  const [span] = exporter.getFinishedSpans();
  expect(span!.attributes).toMatchObject({
    'error.type': 'ZOOM_NETWORK_ERROR',
    'url.full': `http://127.0.0.1:${port}/x`,
    'zoom.endpoint': 'livestream',
  });
  expect(span!.status.code).toBe(2); // SpanStatusCode.ERROR
});

it('refuses a second tracing while one runs (OpenTelemetry keeps one global provider)', async () => {
  const off = { exporter: undefined, serviceName: 't' };
  otel = await startTracing(off, { exporter: new InMemorySpanExporter() });
  await expect(startTracing(off, { exporter: new InMemorySpanExporter() })).rejects.toThrow(
    'tracing is already started',
  );
});
