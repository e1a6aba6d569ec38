import { z } from 'zod';

/** A Zoom meeting or webinar number as a digit string: positive, no leading zero, ≤ 20 digits. */
export const MEETING_NUMBER = /^[1-9]\d{0,19}$/;

export const MEETING_NUMBER_MESSAGE = 'must be a positive whole number';

/**
 * A meeting or webinar number given as a JSON number or a digit string, always kept as a digit
 * string. Both forms follow one rule: `0` and `"0"` are both refused (Zoom's numbers are positive).
 */
export const meetingNumberSchema = z
  .union([z.string(), z.number()], { error: MEETING_NUMBER_MESSAGE })
  .transform((value, ctx) => {
    const digits = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
    if (typeof digits !== 'string' || !MEETING_NUMBER.test(digits)) {
      ctx.addIssue({ code: 'custom', message: MEETING_NUMBER_MESSAGE });
      return z.NEVER;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'is too large to be read exactly; send it as a string',
      });
      return z.NEVER;
    }
    return digits;
  });
