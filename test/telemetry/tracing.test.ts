import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { readProgress } from '../../src/domain/start-progress';
import {
  noTracing,
  startTracing,
  type ActiveTracing,
  type Tracing,
} from '../../src/telemetry/tracing';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, SECRET, signed } from '../support/webhook';

let zoom: ZoomSandbox | undefined;
let service: TestService | undefined;
let tracing: ActiveTracing | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom?.close();
  await tracing?.shutdown();
  service = undefined;
  zoom = undefined;
  tracing = undefined;
});

const OFF = { exporter: undefined, serviceName: 'zoom-livestream-worker' };

/** A webhook for a meeting whose first start gets a 429 and whose second gets the 204. */
async function rateLimitedOnce(given: Tracing): Promise<{ s: TestService; jobId: string }> {
  zoom = await startZoomSandbox({ rateLimitedStarts: 1 });
  service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '200' }, zoom, given);
  const res = await post(service.url, signed(meetingEvent('meeting.started')));
  expect(res.status).toBe(204);
  const jobId = startJobId('meeting', 'uuid-1==');
  const job = await finishedJob(service, jobId);
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  return { s: service, jobId };
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

it('traces a meeting instance: webhook, enqueue, both attempts and both Zoom calls in one trace', async () => {
  const exporter = new InMemorySpanExporter();
  tracing = await startTracing(OFF, { exporter });
  const { s, jobId } = await rateLimitedOnce(tracing!);
  // The second attempt's span ends once BullMQ has recorded the job as completed.
  const spans = await eventually(() => {
    const all = exporter.getFinishedSpans();
    return named(all, 'process livestream').length === 2 && named(all, 'PATCH').length === 2
      ? all
      : undefined;
  });

  const [webhook] = named(spans, 'POST /webhooks/zoom');
  const [add] = named(spans, 'add livestream.start-livestream');
  const attempts = named(spans, 'process livestream');
  const patches = named(spans, 'PATCH');
  const traceId = webhook!.spanContext().traceId;
  for (const span of [add!, ...attempts, ...patches])
    expect(span.spanContext().traceId).toBe(traceId);
  expect(webhook!.attributes).toMatchObject({
    'http.request.method': 'POST',
    'http.route': '/webhooks/zoom',
    'http.response.status_code': 204,
    'zoom.meeting.id': '85012345678',
  });
  expect(add!.parentSpanContext?.spanId).toBe(webhook!.spanContext().spanId);
  expect(attempts.map((a) => a.attributes['livestream.decision'])).toEqual(['retry', 'done']);

  const history = readProgress((await s.queue.getJob(jobId))!.progress).history;
  expect(patches.map((p) => p.attributes)).toEqual([
    expect.objectContaining({
      'http.request.method': 'PATCH',
      'http.response.status_code': 429,
      'zoom.code': 429,
      'zoom.tracking_id': history[0]!.trackingId,
      'error.type': '429',
      'url.full': `${zoom!.apiBaseUrl}/meetings/85012345678/livestream/status`,
    }),
    expect.objectContaining({
      'http.response.status_code': 204,
      'zoom.tracking_id': expect.stringMatching(/^sandbox-/),
    }),
  ]);
  expect(patches[1]!.attributes['zoom.tracking_id']).not.toBe(history[0]!.trackingId);
  const attemptIds = attempts.map((a) => a.spanContext().spanId);
  expect(patches.map((p) => p.parentSpanContext?.spanId)).toEqual(attemptIds);

  // Log lines written during an attempt name its trace and span.
  const deferred = s.logs.lines.find((l) => l.msg === 'livestream start deferred');
  expect(deferred).toMatchObject({ trace_id: traceId, span_id: attemptIds[0] });
});

it('puts no secret in any span: webhook secret, client secret, tokens, stream keys', async () => {
  const exporter = new InMemorySpanExporter();
  tracing = await startTracing(OFF, { exporter });
  await rateLimitedOnce(tracing!);
  const spans = await eventually(() => {
    const all = exporter.getFinishedSpans();
    return named(all, 'PATCH').length === 2 ? all : undefined;
  });
  const tokenCalls = named(spans, 'POST').filter((p) => p.attributes['zoom.endpoint']);
  expect(tokenCalls.length).toBeGreaterThan(0);
  const text = JSON.stringify(spans.map((p) => [p.name, p.attributes, p.events]));
  for (const secret of [SECRET, zoom!.credentials.clientSecret, 'Bearer', 'Basic', 'sandbox.'])
    expect(text).not.toContain(secret);
  expect(text).not.toMatch(/stream_key|access_token|grant_type/);
});

it('with tracing off: the no-op tracer, no BullMQ telemetry and no trace ids in the logs', async () => {
  tracing = await startTracing(OFF);
  expect(tracing).toBeUndefined();
  // The no-op tracer runs the whole path: webhook, the 429, the wait and the start.
  const { s } = await rateLimitedOnce(noTracing);
  expect(s.logs.lines.some((l) => l.msg === 'livestream start deferred')).toBe(true);
  expect(s.logs.text()).not.toMatch(/trace_id|span_id/);
});

it('leaves no global tracer behind after shutdown', async () => {
  const exporter = new InMemorySpanExporter();
  const started = await startTracing(OFF, { exporter });
  await started!.shutdown();
  const span = trace.getTracer('after').startSpan('after');
  expect(span.isRecording()).toBe(false);
  span.end();
  expect(exporter.getFinishedSpans()).toEqual([]);
});
