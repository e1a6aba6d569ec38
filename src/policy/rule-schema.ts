import { z } from 'zod';
import { meetingNumberSchema } from '../domain/meeting-number';

/** Zoom streams only to RTMP(S) ingest URLs. */
const RTMP_URL = /^rtmps?:\/\/\S+$/i;

/** One rule as written in the file, after `${VAR}` references were replaced. */
export const ruleSchema = z
  .object({
    name: z.string().min(1).max(100),
    action: z.enum(['stream', 'skip']),
    match: z
      .object({
        meeting_ids: z.array(meetingNumberSchema).min(1).optional(),
        host_ids: z.array(z.string().min(1)).min(1).optional(),
        topic: z.string().min(1).optional(),
        meeting_types: z.array(z.number().int()).min(1).optional(),
        event: z.enum(['meeting', 'webinar']).optional(),
      })
      .strict()
      .default({}),
    stream: z
      .object({
        stream_url: z
          .string()
          .min(1)
          .max(1024)
          .regex(RTMP_URL, 'must start with rtmp:// or rtmps://'),
        stream_key: z.string().min(1).max(512),
        page_url: z.url().max(1024),
        resolution: z.enum(['720p', '1080p']).optional(),
      })
      .strict()
      .optional(),
    settings: z
      .object({
        display_name: z.string().min(1).max(50).optional(),
        active_speaker_name: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.action === 'stream' || (r.stream === undefined && r.settings === undefined), {
    message: 'a skip rule takes no stream or settings',
    path: ['action'],
  });
export type RuleInput = z.output<typeof ruleSchema>;
