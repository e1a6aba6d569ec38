import { formatChecklist } from './checklist-text';
import { runDoctor } from '../doctor/run-doctor';
import { EXIT, type CliIo } from './io';
import { printableLines } from '../domain/plain-text';

/**
 * `doctor [--account NAME]`: the checklist on stdout (grouped by account with an accounts file);
 * exit 0 when nothing failed, 1 otherwise.
 */
export async function doctorCommand(
  io: CliIo,
  options: { account?: string } = {},
): Promise<number> {
  const results = await runDoctor(io.env, io.cwd, options);
  io.out(`${printableLines(formatChecklist(results))}\n`);
  return results.some((r) => r.status === 'fail') ? EXIT.failure : EXIT.ok;
}
