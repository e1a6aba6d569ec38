import type { RequestHandler } from 'express';
import type { Telemetry } from 'bullmq';

export type SpanAttributes = Record<string, string | number | boolean>;

/** The span of one outgoing call while it runs. */
export interface ClientSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span failed, with `error.type` (e.g. the HTTP status or a network code). */
  fail(errorType: string): void;
}

/**
 * What the service traces, passed in like the logger and the clock. `noTracing` does nothing;
 * `startTracing` gives the OpenTelemetry one. Nothing in it knows Zoom: callers hand it plain
 * attributes.
 */
export interface Tracing {
  /** BullMQ's telemetry integration for the start queue and its worker; undefined when off. */
  readonly bullmq?: Telemetry;
  /** `trace_id` and `span_id` of the active span, for every log line; `{}` when off. */
  readonly logFields: () => Record<string, string>;
  /** A server span around a request to `route`, made the active context for the next handlers. */
  webhookSpan(route: string): RequestHandler;
  /**
   * A client span named `name` around `run` (one outgoing call). A throw from `run` marks the
   * span failed unless `run` already said why.
   */
  clientSpan<T>(
    name: string,
    attributes: SpanAttributes,
    run: (span: ClientSpan) => Promise<T>,
  ): Promise<T>;
  /** Attributes on the active span (never secrets). */
  annotate(attributes: SpanAttributes): void;
}

/** Tracing while it is on: flushes the exporter and restores OpenTelemetry's globals on shutdown. */
export interface ActiveTracing extends Tracing {
  shutdown(): Promise<void>;
}

const idleSpan: ClientSpan = { setAttributes: () => undefined, fail: () => undefined };

/** The default: no spans, no ids, nothing of OpenTelemetry loaded. */
export const noTracing: Tracing = {
  logFields: () => ({}),
  webhookSpan: () => (_req, _res, next) => next(),
  clientSpan: (_name, _attributes, run) => run(idleSpan),
  annotate: () => undefined,
};

/** `{ telemetry }` for a BullMQ Queue or Worker while `tracing` is on; `{}` otherwise. */
export function bullmqTelemetry(tracing: Tracing): { telemetry?: Telemetry } {
  return tracing.bullmq ? { telemetry: tracing.bullmq } : {};
}
