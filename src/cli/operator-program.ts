import { type Command, InvalidArgumentError, Option } from 'commander';
import { MEETING_STATES, type MeetingState } from '../domain/start-progress';
import type { CliIo } from './io';

const commands = () => import('./commands');
const control = () => import('./control-commands');

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `2h`, `7d` → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be a number and a unit: 90s, 15m, 2h or 7d');
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** The `--help` footer: how the command is typed. */
export const example = (...lines: string[]) =>
  `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ zoom-livestream-worker ${l}`).join('\n')}\n`;

/** The operator commands: trigger, status, retry, cancel, stop. */
export function addOperatorCommands(
  program: Command,
  io: CliIo,
  done: (code: number) => void,
): void {
  addTriggerCommand(program, io, done);
  addStatusCommand(program, io, done);
  addRetryCommand(program, io, done);
  addControlCommands(program, io, done);
}

type Done = (code: number) => void;
type StatusOptions = { json?: boolean; state?: MeetingState; since?: number; account?: string };
type InstanceOptions = { uuid?: string; webinar?: boolean; account?: string };

/** `--account NAME`: which account of the accounts file (`ACCOUNTS_FILE`). */
const ACCOUNT_OPTION = '--account <name>';

/** The arguments of a command about one meeting, or one instance of it. */
const instance = (c: Command, uuidHelp: string) =>
  c
    .argument('<meetingId>', 'meeting (or webinar) number')
    .option('--uuid <uuid>', uuidHelp)
    .option('--webinar', 'the id is a webinar')
    .option(
      ACCOUNT_OPTION,
      "the meeting's account (ACCOUNTS_FILE); required when there are several",
    );

function addTriggerCommand(program: Command, io: CliIo, done: Done): void {
  instance(
    program
      .command('trigger')
      .description(
        'queue a livestream start by hand (for a missed webhook), through the same queue',
      ),
    "the instance's uuid (deduplicates with Zoom's webhook); default: a new one",
  )
    .addHelpText(
      'after',
      example('trigger 85012345678', 'trigger 85012345678 --uuid "4444AAAiAAAAAiAiAiiAii=="'),
    )
    .action(async (id: string, o: InstanceOptions) =>
      done(await (await commands()).triggerCommand(io, id, o)),
    );
}

function addStatusCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('status')
    .description(
      'every tracked meeting, or one: state, attempts, last Zoom answer, next attempt and why',
    )
    .argument('[meetingId]', 'show only this meeting, in detail')
    .addOption(new Option('--state <state>', 'only meetings in this state').choices(MEETING_STATES))
    .option(
      '--since <duration>',
      'only meetings received within this long (90s, 15m, 2h, 7d)',
      parseDuration,
    )
    .option(ACCOUNT_OPTION, "only this account's meetings (ACCOUNTS_FILE)")
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      example(
        'status',
        'status --state waiting --since 2h',
        'status 85012345678 --json',
        'status --account campus',
      ),
    )
    .action(async (id: string | undefined, o: StatusOptions) =>
      done(await (await commands()).statusCommand(io, id, o)),
    );
}

function addRetryCommand(program: Command, io: CliIo, done: Done): void {
  instance(
    program
      .command('retry')
      .description(
        're-run a failed start as new: attempts, counters and history reset, fresh deadline',
      ),
    'a specific instance (default: the newest failed one)',
  )
    .addHelpText('after', example('retry 85012345678'))
    .action(async (id: string, o: InstanceOptions) =>
      done(await (await commands()).retryCommand(io, id, o)),
    );
}

/** `cancel` and `stop`: ending a start or a live stream. */
function addControlCommands(program: Command, io: CliIo, done: Done): void {
  instance(
    program
      .command('cancel')
      .description(
        'cancel a waiting start: it is not started again (the worker records "cancelled by the operator")',
      ),
    'a specific instance (default: every waiting start of the meeting)',
  )
    .addHelpText('after', example('cancel 85012345678', 'cancel 85012345678 --account campus'))
    .action(async (id: string, o: InstanceOptions) =>
      done(await (await control()).cancelCommand(io, id, o)),
    );
  instance(
    program
      .command('stop')
      .description(
        'stop a live stream at Zoom ({"action":"stop"}, paced) and record it as stopped by the operator, so nothing starts it again',
      ),
    'record only this instance (default: every tracked start of the meeting)',
  )
    .addHelpText('after', example('stop 85012345678', 'stop 93012345678 --webinar'))
    .action(async (id: string, o: InstanceOptions) =>
      done(await (await control()).stopCommand(io, id, o)),
    );
}
