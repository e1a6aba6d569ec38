import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The default column of `name`'s row in docs/configuration.md, and `.env.example`'s value. */
export const documented = (
  name: string,
): { doc: string | undefined; example: string | undefined } => ({
  doc: new RegExp(`^\\| \`${name}\` +\\| \`([^\`]+)\``, 'm').exec(
    readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8'),
  )?.[1],
  example: new RegExp(`^${name}=(.*)$`, 'm').exec(
    readFileSync(join(ROOT, '.env.example'), 'utf8'),
  )?.[1],
});
