import type { LivestreamSettings } from '../config/load-config';
import type { Rule } from '../policy/rules';
import type { StartJobData } from '../domain/start-job';
import { ZoomError } from '../zoom/errors';
import type { Grant } from '../zoom/pacer';
import type { ZoomClient } from '../zoom/zoom-client';
import type { CallKind } from './attempt-record';
import type { CallOutcome } from './decide';

/**
 * The one Zoom call of a step: set the rule's stream target, or start the stream with the
 * environment's settings overridden by the rule's. Zoom's answer, good or bad, comes back as an
 * outcome for `decide()`; anything else (ours, the pacer asking to wait, or `beforeSend` finding
 * the call no longer wanted) is thrown.
 */
export async function callZoom(
  zoom: ZoomClient,
  settings: LivestreamSettings,
  data: StartJobData,
  step: { call: CallKind; rule: Rule },
  slot: Promise<Grant> | undefined,
  beforeSend?: () => Promise<void>,
): Promise<CallOutcome> {
  // A slot that went stale is replaced by one reserved ahead: the job waits for it in the queue.
  const options = { ...(slot && { slot }), ...(beforeSend && { beforeSend }), reserveAhead: true };
  try {
    const answer =
      step.call === 'target'
        ? await zoom.setStreamTarget(data.kind, data.meetingId, step.rule.stream!, options)
        : await zoom.startLivestream(
            data.kind,
            data.meetingId,
            { ...settings, ...step.rule.settings },
            options,
          );
    return { ok: true, status: answer.status };
  } catch (err) {
    if (err instanceof ZoomError) return { ok: false, error: err };
    throw err;
  }
}
