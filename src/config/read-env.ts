import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';

/**
 * The process environment, with a `.env` file in `cwd` filling in what it does not set
 * (real environment variables always win).
 */
export function readEnv(
  processEnv: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { ...processEnv };
  return { ...parse(readFileSync(file)), ...processEnv };
}
