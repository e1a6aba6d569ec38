import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES } from '../config/load-config';
import { readEnv } from '../config/read-env';
import { CliError, EXIT, type CliIo } from './io';
import { addOperatorCommands, example } from './operator-program';
import { printableLines } from '../domain/plain-text';
import { packageVersion } from './version';
import type { SandboxCommandOptions } from './sandbox-command';

// Each command's module (and what it pulls in: BullMQ, Express, …) loads only when that command
// runs, so `--version`, `--help` and the start of `start` do not pay for the others.

/**
 * The `zoom-livestream-worker` command line. Returns the exit code instead of exiting, so tests
 * run it in-process; `src/cli.ts` is the thin entry point.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cio: CliIo = { ...io, env: readEnv(io.env, io.cwd) };
  let code: number = EXIT.ok;
  const done = (c: number) => void (code = c);
  const program = new Command('zoom-livestream-worker')
    .description('Starts Zoom live streams when meetings start, retrying until the stream is up.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  addStartCommand(program, cio, done);
  addOperatorCommands(program, cio, done);
  addSetupCommands(program, cio, done);
  addLocalCommands(program, cio, done);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportCliError(err, io);
  }
}

const digits = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return value;
};

/** `start`: the service itself. */
function addStartCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('start')
    .description('run the service: webhook receiver, start worker, or both')
    .addOption(
      new Option('--role <role>', 'which part to run (env ROLE; default all)').choices(ROLES),
    )
    .addHelpText('after', example('start', 'start --role worker'))
    .action(async (o: { role?: string }) =>
      done(await (await import('./start-command')).startCommand(io, o)),
    );
}

/** `rules test` and `doctor`: checking a deployment's setup. */
function addSetupCommands(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('rules')
    .description('work with the livestream rules file (LIVESTREAM_RULES_FILE)')
    .addHelpText('after', example('rules test event.json'))
    .command('test')
    .description('show which rule a webhook event matches and what would be sent to Zoom')
    .argument('<event.json>', 'a meeting.started or webinar.started webhook body')
    .option('--file <rules>', 'rules file to use instead of LIVESTREAM_RULES_FILE')
    .option('--json', 'machine-readable output')
    .addHelpText('after', example('rules test event.json --file rules.yaml'))
    .action(async (event: string, o: { file?: string; json?: boolean }) =>
      done((await import('./rules-command')).rulesTestCommand(io, event, o)),
    );
  program
    .command('doctor')
    .description(
      'check the deployment from its configuration: Redis, Zoom credentials and scopes, rules, alerts',
    )
    .option('--account <name>', 'check only this account of ACCOUNTS_FILE')
    .addHelpText('after', example('doctor', 'doctor --account campus'))
    .action(async (o: { account?: string }) =>
      done(await (await import('./doctor-command')).doctorCommand(io, o)),
    );
  program
    .command('hash-password')
    .description("print a console user's password_hash: reads the password from stdin (no echo)")
    .addHelpText('after', example('hash-password < password.txt'))
    .action(async () =>
      done(await (await import('./hash-password-command')).hashPasswordCommand(io)),
    );
}

/** `sandbox` and `demo`: running against a local Zoom, with no account. */
function addLocalCommands(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('sandbox')
    .description(
      'run a local Zoom (OAuth, livestream and list endpoints, with the 30-second 429) to develop against',
    )
    .option('--port <port>', 'port', digits, '9090')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--rate-limited-starts <n>', "429s before each meeting's 204", digits, '1')
    .option(
      '--live-meeting <id>',
      'a meeting that is live from the start, with no webhook (for the reconcile sweep)',
      digits,
    )
    .option('--accounts <names>', 'play several Zoom accounts (comma-separated names)')
    .option('--account-rate <n>', "each account's API calls per second before a 429", digits)
    .addHelpText('after', example('sandbox --port 9090 --rate-limited-starts 2'))
    .action(async (o: SandboxCommandOptions) =>
      done(await (await import('./sandbox-command')).sandboxCommand(io, o)),
    );
  program
    .command('demo')
    .description(
      'show the whole flow locally with no Zoom account: webhook → queue → 429 → wait → 204',
    )
    .option('--short', 'wait 5 s after the 429 instead of the real 30 s')
    .option('--delay-ms <ms>', 'wait this long after the 429', digits)
    .option('--missed-webhook', 'send no webhook: the reconcile sweep finds the live meeting')
    .option(
      '--accounts <n>',
      'n Zoom accounts in one deployment (up to 10), the second in a 429 storm',
      digits,
    )
    .addHelpText('after', example('demo --short --accounts 3'))
    .action(
      async (o: {
        short?: boolean;
        delayMs?: string;
        missedWebhook?: boolean;
        accounts?: string;
      }) => done(await (await import('./demo-command')).demoCommand(io, o)),
    );
}

/** A command that threw: its usage error, a known failure explained, or the bare message. */
async function reportCliError(err: unknown, io: CliIo): Promise<number> {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const known =
    err instanceof CliError ? err : (await import('./start-command')).explainStartError(err);
  if (known) {
    io.err(`zoom-livestream-worker: ${printableLines(known.message)}\n`);
    return known.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`zoom-livestream-worker: failed: ${printableLines(message)}\n`);
  return EXIT.failure;
}
