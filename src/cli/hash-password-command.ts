import { hashPassword } from '../accounts/password-hash';
import { CliError, EXIT, type CliIo } from './io';

/** A console user's password: as long as `ADMIN_PASSWORD` must be. */
const MIN_LENGTH = 12;

/** Where the password is read from: the process's stdin, a terminal or a pipe. */
export interface PasswordInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

/**
 * `hash-password`: reads a password (typed twice without echo on a terminal, else the first line
 * of stdin) and prints its scrypt hash line for a console user's `password_hash`.
 */
export async function hashPasswordCommand(
  io: CliIo,
  input: PasswordInput = process.stdin,
): Promise<number> {
  let password: string;
  if (input.isTTY && input.setRawMode) {
    password = await typed(io, input, 'Password: ');
    if ((await typed(io, input, 'Again: ')) !== password)
      throw new CliError('the two passwords differ: nothing printed', EXIT.usage);
  } else password = firstLine(await readAll(input));
  if (password.length < MIN_LENGTH)
    throw new CliError(
      `the password must be at least ${MIN_LENGTH} characters (give it on stdin, or type it at the prompt)`,
      EXIT.usage,
    );
  io.out(`${await hashPassword(password)}\n`);
  io.err('paste it as the password_hash of a console user in the accounts file\n');
  return EXIT.ok;
}

const firstLine = (text: string): string => text.split(/\r?\n/)[0] ?? '';

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed at the terminal, not echoed; Ctrl-C or Ctrl-D gives up. */
function typed(io: CliIo, input: PasswordInput, prompt: string): Promise<string> {
  io.err(prompt);
  input.setRawMode!(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      io.err('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004')
          return done(new CliError('no password given: nothing printed', EXIT.usage));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else if (ch >= ' ') text += ch;
      }
    };
    input.on('data', onData);
  });
}
