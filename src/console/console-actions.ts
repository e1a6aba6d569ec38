import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../logging/create-logger';
import {
  cancelWaiting,
  retryMeeting,
  stopLive,
  triggerStart,
  type InstanceOptions,
} from '../operator/actions';
import type { StartJobData } from '../queue/start-queue';
import { ZoomError } from '../zoom/errors';
import type { ZoomClient } from '../zoom/zoom-client';

/** A Zoom client for one operator call, closed after it (absent when this role has no Zoom side). */
export type OpenZoom = () => { zoom: ZoomClient; close: () => Promise<void> };

export const ACTIONS = ['retry', 'cancel', 'trigger', 'stop'] as const;
export type ConsoleAction = (typeof ACTIONS)[number];

const form = z.object({
  meetingId: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, 'a meeting id is digits only'),
  uuid: z.string().min(1).max(200).optional(),
  kind: z.enum(['meeting', 'webinar']).optional(),
});

export interface ActionDeps {
  queue: Queue<StartJobData>;
  log: Logger;
  openZoom: OpenZoom | undefined;
}

/** Runs one console action through the functions the CLI uses; answers what happened, in words. */
export async function runAction(
  deps: ActionDeps,
  action: ConsoleAction,
  body: unknown,
  operator: string,
): Promise<{ ok: boolean; message: string }> {
  const parsed = form.safeParse(body);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  const { meetingId, uuid, kind } = parsed.data;
  const options: InstanceOptions = {
    ...(uuid !== undefined && { uuid }),
    ...(kind === 'webinar' && { webinar: true }),
  };
  const { queue, log } = deps;
  switch (action) {
    case 'retry': {
      const r = await retryMeeting(queue, meetingId, options, operator, log);
      return r.ok
        ? { ok: true, message: `Retrying the start of meeting ${meetingId}.` }
        : { ok: false, message: r.message };
    }
    case 'cancel': {
      const done = await cancelWaiting(queue, meetingId, options, operator, log);
      return done.length > 0
        ? {
            ok: true,
            message: `Cancelled the start of meeting ${meetingId}; it will not be started again.`,
          }
        : { ok: false, message: `No waiting start for meeting ${meetingId}: nothing cancelled.` };
    }
    case 'trigger': {
      const r = await triggerStart(queue, meetingId, {}, operator, log);
      return r.duplicate
        ? { ok: false, message: `Meeting ${meetingId} already has that start queued.` }
        : { ok: true, message: `Queued a livestream start for meeting ${meetingId}.` };
    }
    case 'stop':
      return stop(deps, meetingId, options, operator);
  }
}

async function stop(
  deps: ActionDeps,
  meetingId: string,
  options: InstanceOptions,
  operator: string,
): Promise<{ ok: boolean; message: string }> {
  if (!deps.openZoom)
    return { ok: false, message: 'This service has no Zoom credentials: stop it from a worker.' };
  const { zoom, close } = deps.openZoom();
  try {
    await stopLive(deps.queue, zoom, meetingId, options, operator, deps.log);
    return { ok: true, message: `Stopped the live stream of meeting ${meetingId}.` };
  } catch (err) {
    if (!(err instanceof ZoomError)) throw err;
    return { ok: false, message: `Zoom did not stop the live stream: ${err.message}` };
  } finally {
    await close();
  }
}
