// `npm run build` (also run by `npm ci` / `npm install` through `prepare`): compiles src/ to dist/.
// With --if-stale (before `npm start`, `npm run demo`, `npm run sandbox`) it compiles only when a
// source file or the compiler settings changed since the last build, so an installed checkout starts
// at once and an edited one never runs stale JavaScript.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

const newest = (path) => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
};
const builtAt = () => {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
};

if (process.argv.includes('--if-stale')) {
  if (builtAt() >= Math.max(...inputs.map((p) => newest(join(root, p))))) process.exit(0);
  process.stderr.write('compiling src/ to dist/: sources changed since the last build\n');
}
const began = new Date();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
// Files the compiled code reads beside itself: the console's templates (src/console/views/*.eta).
// --if-stale sees their edits too, as they live under src/.
const views = join(root, 'dist', 'console', 'views');
rmSync(views, { recursive: true, force: true });
cpSync(join(root, 'src', 'console', 'views'), views, { recursive: true });
// The package's bin: executable, as `npx zoom-livestream-worker` runs it directly (shebang).
chmodSync(join(root, 'dist', 'cli.js'), 0o755);
writeFileSync(stamp, `${began.toISOString()}\n`);
utimesSync(stamp, began, began); // an edit made while compiling still counts as newer
