import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/tracing-config';
import type { ActiveTracing } from './tracer';

export {
  bullmqTelemetry,
  noTracing,
  type ActiveTracing,
  type ClientSpan,
  type SpanAttributes,
  type Tracing,
} from './tracer';

/**
 * Starts tracing when the configuration (or a test's `exporter`) asks for it; undefined when off.
 * The OpenTelemetry SDK is only loaded here, on demand: with tracing off none of it is required.
 * Each call gives its own tracing; the SDK registers OpenTelemetry's globals (context, propagator)
 * until `shutdown`, so only one may run at a time.
 */
export async function startTracing(
  config: TracingConfig,
  options: { exporter?: SpanExporter } = {},
): Promise<ActiveTracing | undefined> {
  if (!config.exporter && !options.exporter) return undefined;
  const { startOtel } = await import('./otel-sdk');
  return startOtel(config, options.exporter);
}
