import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

// The young-generation cap the service runs with everywhere it is started (docs/performance.md, "Memory").
const FLAG = '--max-semi-space-size=16';

it('the image and engines name one Node LTS line, and the tests run on it or newer', () => {
  const images = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1]);
  expect(images.length).toBeGreaterThan(0);
  expect(new Set(images)).toEqual(new Set([pkg.engines.node.replace(/^>=/, '')]));
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(Number(images[0]));
});

it('every way of starting the service runs Node with the same V8 flags', () => {
  expect(read('Dockerfile')).toContain(`ENTRYPOINT ["node", "${FLAG}", "dist/cli.js"]`);
  for (const script of ['start', 'demo', 'sandbox'])
    expect(pkg.scripts[script]).toContain(`exec node ${FLAG} dist/cli.js ${script}`);
  expect(read('src/cli.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${FLAG}`);
  expect(read('bench/fixtures.ts')).toContain(`SERVICE_NODE_FLAGS = ['${FLAG}']`);
  // and this Node accepts it
  expect(execFileSync(process.execPath, [FLAG, '-p', '1']).toString().trim()).toBe('1');
});
