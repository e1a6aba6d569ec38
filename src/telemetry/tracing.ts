import type { RequestHandler } from 'express';
import type { Telemetry } from 'bullmq';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/tracing-config';
import type { RawAnswer } from '../zoom/http';

/** What the rest of the service uses while tracing is on; nothing of OpenTelemetry otherwise. */
export interface ActiveTracing {
  /** BullMQ's telemetry integration, for the start queue and its worker. */
  bullmq: Telemetry;
  /** `trace_id` and `span_id` of the active span, for every log line. */
  logFields(): Record<string, string>;
  /** A server span around the webhook request, made the active context for the handlers. */
  webhookSpan(route: string): RequestHandler;
  /** A client span around one Zoom HTTP call, with its status, Zoom code and tracking id. */
  zoomCall(
    endpoint: string,
    method: string,
    url: string,
    run: () => Promise<RawAnswer>,
  ): Promise<RawAnswer>;
  /** Attributes on the active span (never secrets). */
  annotate(attributes: Record<string, string | number | boolean>): void;
  /** Flushes the exporter and leaves OpenTelemetry's global state as it was before. */
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** The running tracing, or undefined when tracing is off. */
export const activeTracing = (): ActiveTracing | undefined => active;

/**
 * Starts tracing when the configuration (or a test's `exporter`) asks for it. The OpenTelemetry
 * SDK is only loaded here, on demand: with tracing off none of it is ever required.
 */
export async function startTracing(
  config: TracingConfig,
  options: { exporter?: SpanExporter } = {},
): Promise<ActiveTracing | undefined> {
  if (active) throw new Error('tracing is already started');
  if (!config.exporter && !options.exporter) return undefined;
  const { startOtel } = await import('./otel-sdk');
  const started = startOtel(config, options.exporter);
  active = {
    ...started,
    shutdown: async () => {
      active = undefined;
      await started.shutdown();
    },
  };
  return active;
}

/** `{ telemetry }` for a BullMQ Queue or Worker while tracing is on; `{}` otherwise. */
export function bullmqTelemetry(): { telemetry?: Telemetry } {
  return active ? { telemetry: active.bullmq } : {};
}
