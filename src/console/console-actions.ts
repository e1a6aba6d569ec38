import { z } from 'zod';
import type { Logger } from '../logging/create-logger';
import {
  cancelWaiting,
  retryMeeting,
  stopLive,
  triggerStart,
  type AccountQueues,
  type InstanceOptions,
} from '../operator/actions';
import { ZoomError } from '../zoom/errors';
import type { ZoomClient } from '../zoom/zoom-client';

/**
 * A Zoom client of one account (unset: the default account) for one operator call, closed after
 * it (absent when this role has no Zoom side).
 */
export type OpenZoom = (
  account?: string,
) => Promise<{ zoom: ZoomClient; close: () => Promise<void> }>;

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
  /** Where each account's starts are (the queue of its shard). */
  queues: AccountQueues;
  /** The account acted on: only its starts are cancelled, retried, stopped; a trigger is its. */
  account: string;
  log: Logger;
  openZoom: OpenZoom | undefined;
}

/** What an action did, in words, with the HTTP status the console answers it with. */
export interface ActionAnswer {
  ok: boolean;
  /** 200 done; 400 bad form; 409 refused (nothing to do in this state); 502 Zoom refused. */
  status: 200 | 400 | 409 | 502;
  message: string;
}

const done = (message: string): ActionAnswer => ({ ok: true, status: 200, message });
const refused = (message: string, status: 400 | 409 | 502 = 409): ActionAnswer => ({
  ok: false,
  status,
  message,
});

/** Runs one console action through the functions the CLI uses; answers what happened, in words. */
export async function runAction(
  deps: ActionDeps,
  action: ConsoleAction,
  body: unknown,
  operator: string,
): Promise<ActionAnswer> {
  const parsed = form.safeParse(body);
  if (!parsed.success) return refused(`Not sent: ${parsed.error.issues[0]!.message}.`, 400);
  const { meetingId, uuid, kind } = parsed.data;
  const options: InstanceOptions = {
    ...(uuid !== undefined && { uuid }),
    ...(kind === 'webinar' && { webinar: true }),
    account: deps.account,
  };
  const { queues, log } = deps;
  switch (action) {
    case 'retry': {
      const r = await retryMeeting(queues, meetingId, options, operator, log);
      return r.ok
        ? done(`Retrying the start of meeting ${meetingId} from zero.`)
        : refused(
            `Not retried: ${r.message}. Only a failed start can be retried; the list shows its state now.`,
          );
    }
    case 'cancel': {
      const cancelled = await cancelWaiting(queues, meetingId, options, operator, log);
      return cancelled.length > 0
        ? done(`Cancelled the start of meeting ${meetingId}; it will not be started again.`)
        : refused(
            `No waiting start for meeting ${meetingId}: nothing cancelled. It has already started, failed or been cancelled; the list shows its state now.`,
          );
    }
    case 'trigger': {
      const r = await triggerStart(queues, meetingId, { account: deps.account }, operator, log);
      return r.duplicate
        ? refused(`Meeting ${meetingId} already has that start queued: nothing added.`)
        : done(`Queued a livestream start for meeting ${meetingId}.`);
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
): Promise<ActionAnswer> {
  if (!deps.openZoom)
    return refused(
      'Not stopped: this process has no Zoom credentials. Use the console of a worker, or run `stop` there.',
    );
  const { zoom, close } = await deps.openZoom(deps.account);
  try {
    await stopLive(deps.queues, zoom, meetingId, options, operator, deps.log);
    return done(`Stopped the live stream of meeting ${meetingId}.`);
  } catch (err) {
    if (!(err instanceof ZoomError)) throw err;
    return refused(
      `Zoom did not stop the live stream of meeting ${meetingId}: ${err.message.replace(/\.$/, '')}. Nothing was recorded; check the meeting in Zoom and try again.`,
      502,
    );
  } finally {
    await close();
  }
}
