import type { AttemptRecord } from '../domain/start-progress';

/** Zoom's answer for a log line: status, Zoom's code and words, tracking id, or the network code. */
export function answerFields(record: AttemptRecord): Record<string, unknown> {
  return {
    status: record.status,
    zoomCode: record.zoomCode,
    trackingId: record.trackingId,
    ...(record.errorCode !== undefined && { errorCode: record.errorCode }),
    ...(record.message !== undefined && { error: record.message }),
  };
}
