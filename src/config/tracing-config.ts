import { z } from 'zod';
import { required, type VariableSpec } from './schemas';

/** The standard OpenTelemetry variables this service reads (the OTLP exporter reads its own too). */
export const TRACING_VARIABLES = {
  OTEL_EXPORTER_OTLP_ENDPOINT: { schema: required },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { schema: required },
  OTEL_TRACES_EXPORTER: {
    schema: z.enum(['otlp', 'console', 'none'], 'must be otlp, console or none'),
  },
  OTEL_SERVICE_NAME: { schema: required, default: 'zoom-livestream-worker' },
} satisfies Record<string, VariableSpec>;

/** Tracing is on when an exporter is chosen or an OTLP endpoint is set, and not `none`. */
export interface TracingConfig {
  exporter: 'otlp' | 'console' | undefined;
  serviceName: string;
}

export function tracingConfig(v: {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_TRACES_EXPORTER?: 'otlp' | 'console' | 'none' | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
}): TracingConfig {
  const endpoint = v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? v.OTEL_EXPORTER_OTLP_ENDPOINT;
  const chosen = v.OTEL_TRACES_EXPORTER ?? (endpoint ? 'otlp' : 'none');
  return {
    exporter: chosen === 'none' ? undefined : chosen,
    serviceName: v.OTEL_SERVICE_NAME ?? 'zoom-livestream-worker',
  };
}
