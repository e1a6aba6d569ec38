#!/usr/bin/env -S node --max-semi-space-size=16
import { runCli } from './cli/run-cli';
import { EXIT } from './cli/io';
import { printableLines } from './cli/terminal-text';

// The only place that touches the process: arguments, environment, streams, signals, exit.
const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `zoom-livestream-worker: unhandled rejection: ${printableLines(reason instanceof Error ? reason.message : String(reason))}\n`,
  );
  process.exit(EXIT.failure);
});

runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stopSignal: () => stopSignal,
  onReload: (handler) => void process.on('SIGHUP', handler),
  ...(process.stdout.isTTY && { columns: process.stdout.columns }),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `zoom-livestream-worker: ${printableLines(err instanceof Error ? err.message : String(err))}\n`,
    );
    process.exit(EXIT.failure);
  },
);
