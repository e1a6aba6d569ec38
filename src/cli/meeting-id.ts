import { MEETING_NUMBER, MEETING_NUMBER_MESSAGE } from '../domain/meeting-number';
import { CliError, EXIT } from './io';
import { printable } from '../domain/plain-text';

/** A meeting id argument, or a usage error (exit 2). */
export function meetingId(value: string): string {
  if (!MEETING_NUMBER.test(value))
    throw new CliError(
      `meeting id ${MEETING_NUMBER_MESSAGE}, got "${printable(value)}"`,
      EXIT.usage,
    );
  return value;
}
