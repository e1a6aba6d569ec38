import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BullMQOtel } from 'bullmq-otel';
import type { TracingConfig } from '../config/tracing-config';
import { parseZoomError, type RawAnswer } from '../zoom/http';
import type { ActiveTracing } from './tracing';

const TRACER = 'zoom-livestream-worker';

/** The SDK set up and registered globally (context manager, W3C propagator, tracer provider). */
export function startOtel(config: TracingConfig, testExporter?: SpanExporter): ActiveTracing {
  const processor = testExporter
    ? new SimpleSpanProcessor(testExporter)
    : new BatchSpanProcessor(
        config.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter(),
      );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const tracer = trace.getTracer(TRACER);

  return {
    bullmq: new BullMQOtel({ tracerName: TRACER }),
    logFields: () => {
      const span = trace.getActiveSpan()?.spanContext();
      return span && isSpanContextValid(span)
        ? { trace_id: span.traceId, span_id: span.spanId }
        : {};
    },
    webhookSpan: (route) => (req, res, next) => {
      const span = tracer.startSpan(`${req.method} ${route}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'http.route': route,
          'url.path': req.path,
        },
      });
      res.once('close', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      context.with(trace.setSpan(context.active(), span), next);
    },
    zoomCall: (endpoint, method, url, run) => {
      const target = new URL(url);
      const attributes = {
        'http.request.method': method,
        // Without the query string: nothing in it is needed to read a trace.
        'url.full': `${target.origin}${target.pathname}`,
        'server.address': target.hostname,
        'zoom.endpoint': endpoint,
      };
      return tracer.startActiveSpan(
        method,
        { kind: SpanKind.CLIENT, attributes },
        async (span): Promise<RawAnswer> => {
          try {
            const answer = await run();
            recordAnswer(span, answer);
            return answer;
          } catch (err) {
            const code = (err as { code?: unknown }).code;
            span.setAttribute('error.type', typeof code === 'string' ? code : 'network');
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      );
    },
    annotate: (attributes) => trace.getActiveSpan()?.setAttributes(attributes),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function recordAnswer(span: Span, answer: RawAnswer): void {
  span.setAttribute('http.response.status_code', answer.status);
  const trackingId = answer.headers['x-zm-trackingid'];
  if (trackingId) span.setAttribute('zoom.tracking_id', trackingId);
  if (answer.status >= 400) {
    const { zoomCode } = parseZoomError(answer.text);
    if (zoomCode !== undefined) span.setAttribute('zoom.code', zoomCode);
    span.setAttribute('error.type', String(answer.status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}
