import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOMAIN = join(__dirname, '../../src/domain');
const files = readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'));

/** Every module a file names: `from '…'`, `import('…')` and bare `import '…'`. */
const specifiers = (text: string): string[] =>
  [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map((m) => m[1]!);

it('the domain core exists', () => {
  expect(files).toEqual(expect.arrayContaining(['start-job.ts', 'start-progress.ts']));
});

it.each(files)('src/domain/%s imports nothing of ours outside the domain', (file) => {
  const ours = specifiers(readFileSync(join(DOMAIN, file), 'utf8')).filter((s) =>
    s.startsWith('.'),
  );
  expect(ours.filter((s) => !s.startsWith('./'))).toEqual([]);
});
