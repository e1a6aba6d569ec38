import { z } from 'zod';
import { meetingNumberSchema } from '../domain/meeting-number';

/** The part of `payload.object` the worker needs from meeting.* and webinar.* events. */
export const meetingObjectSchema = z.object({
  id: meetingNumberSchema,
  uuid: z.string().min(1).max(200),
  host_id: z.string().max(200).optional(),
  topic: z.string().max(1000).optional(),
  type: z.number().int().optional(),
});
export type MeetingObject = z.output<typeof meetingObjectSchema>;

/** Zoom's envelope: `{event, event_ts, payload}`. Unknown fields are allowed and ignored. */
export const envelopeSchema = z.object({
  event: z.string().min(1).max(200),
  event_ts: z.number().optional(),
  payload: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof envelopeSchema>;

export const urlValidationPayloadSchema = z.object({ plainToken: z.string().min(1).max(1000) });

export const meetingPayloadSchema = z.object({
  account_id: z.string().optional(),
  object: meetingObjectSchema,
});

/** First problem of a failed parse, as `path: message`, for a 400 body and the log. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
