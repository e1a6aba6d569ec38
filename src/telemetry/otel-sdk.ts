import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
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
import type { RequestHandler } from 'express';
import type { TracingConfig } from '../config/tracing-config';
import type { ActiveTracing, ClientSpan } from './tracer';

const TRACER = 'zoom-livestream-worker';

/**
 * The SDK set up and registered as OpenTelemetry's global (context manager, W3C propagator,
 * tracer provider: BullMQ's integration and the active-span lookup need them). Throws when
 * another tracing is registered already.
 */
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
  if (!trace.setGlobalTracerProvider(provider)) {
    void provider.shutdown();
    throw new Error('tracing is already started');
  }
  provider.register();
  const tracer = provider.getTracer(TRACER);

  return {
    bullmq: new BullMQOtel({ tracerName: TRACER }),
    logFields: () => {
      const span = trace.getActiveSpan()?.spanContext();
      return span && isSpanContextValid(span)
        ? { trace_id: span.traceId, span_id: span.spanId }
        : {};
    },
    webhookSpan: (route) => serverSpan(tracer, route),
    clientSpan: (name, attributes, run) =>
      tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const handle = clientHandle(span);
        try {
          return await run(handle);
        } catch (err) {
          if (!handle.failed) handle.fail(errorType(err));
          throw err;
        } finally {
          span.end();
        }
      }),
    annotate: (attributes) => trace.getActiveSpan()?.setAttributes(attributes),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function serverSpan(tracer: Tracer, route: string): RequestHandler {
  return (req, res, next) => {
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
  };
}

function clientHandle(span: Span): ClientSpan & { failed: boolean } {
  const handle = {
    failed: false,
    setAttributes: (attributes: Parameters<Span['setAttributes']>[0]) => {
      span.setAttributes(attributes);
    },
    fail: (type: string) => {
      handle.failed = true;
      span.setAttribute('error.type', type);
      span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
  return handle;
}

/** A thrown error's `code` when it has one (a network error's), else `network`. */
function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'network';
}
