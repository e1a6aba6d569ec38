import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The installed package's version: package.json sits two levels above this file in src/ and dist/. */
export function packageVersion(): string {
  const file = join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
