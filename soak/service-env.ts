import type { SoakOptions } from './options';

/** Zoom's HTTP time limit in the soak (slow answers stay under it; lost ones exceed it). */
export const ZOOM_TIMEOUT_MS = 2000;

/**
 * The service's variables for a soak at time scale `k`: every wait and interval of the service
 * divided by `k` (Zoom's 30 s wait, the give-up deadline, backoff, the sweep, the alert
 * threshold, the job lock), each kept within the bounds the service accepts.
 */
export function serviceEnv(o: SoakOptions, k = o.timeScale): Record<string, string> {
  const scaled = (ms: number, min: number) => String(Math.max(min, Math.round(ms / k)));
  return {
    QUEUE_PREFIX: '{soak}',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ZOOM_HTTP_TIMEOUT_MS: String(ZOOM_TIMEOUT_MS),
    ZOOM_MAX_REQUESTS_PER_SECOND: '30',
    LIVESTREAM_RETRY_DELAY_MS: scaled(30_000, 0),
    LIVESTREAM_GIVE_UP_AFTER_MS: scaled(4 * 3_600_000, 1000),
    LIVESTREAM_BACKOFF_BASE_MS: scaled(2000, 10),
    LIVESTREAM_BACKOFF_MAX_MS: scaled(60_000, 10),
    ZOOM_UNAVAILABLE_ALERT_AFTER_MS: scaled(300_000, 1),
    WORKER_LOCK_DURATION_MS: scaled(30_000, 3000),
    RECONCILE_INTERVAL_MS: scaled(60_000, 1000),
    RECONCILE_USERS: 'all',
    PREFLIGHT_LEAD_MS: '0',
    SHUTDOWN_TIMEOUT_MS: '8000',
    READINESS_CHECK_INTERVAL_MS: '2000',
  };
}

/** The wall-clock time a start may take beyond the waits Zoom imposed. */
export const graceMs = (o: SoakOptions): number =>
  Math.max(20_000, (o.graceMinutes * 60_000) / o.timeScale);
