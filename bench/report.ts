import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib';

/** One bench figure; ratios measured over interleaved rounds carry their median and spread. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** median of the per-round ratios (subject / baseline) */
  ratio: number | null;
  /** min and max of the per-round ratios */
  spread?: [number, number];
  rounds?: number;
  /** the baseline's unit when it differs from the value's */
  baselineUnit?: string;
  target: string;
  pass: boolean;
}

export const figures: Figure[] = [];

export const round = (n: number) =>
  Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;

export function record(f: Figure): void {
  figures.push(f);
  const spread = f.spread ? `, ${round(f.spread[0])}-${round(f.spread[1])}` : '';
  const rounds = f.rounds ? ` over ${f.rounds} rounds` : '';
  const base =
    f.baseline === null
      ? ''
      : ` (baseline ${round(f.baseline)} ${f.baselineUnit ?? f.unit}, ratio ${round(f.ratio ?? NaN)}${spread}${rounds})`;
  console.log(
    `  ${f.pass ? 'PASS' : 'MISS'}  ${f.name}: ${round(f.value)} ${f.unit}${base}  [target ${f.target}]`,
  );
}

/** A figure with no baseline: value against a target. */
export function recordValue(
  name: string,
  value: number,
  unit: string,
  target: string,
  pass: boolean,
): void {
  record({ name, value, unit, baseline: null, ratio: null, target, pass });
}

export function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    redis: execFileSync('redis-server', ['--version']).toString().trim(),
  };
}

function versions(): Record<string, string> {
  const version = (p: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  return Object.fromEntries(
    ['bullmq', 'ioredis', 'express', 'undici', 'pino'].map((p) => [p, version(p)]),
  );
}

/** Prints the summary (with Node version and CPU count) and writes bench/results/latest.json. */
export function writeResults(began: number): void {
  const m = machine();
  const results = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - began) / 1000),
    machine: m,
    versions: versions(),
    figures,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', 'latest.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\n${figures.filter((f) => f.pass).length}/${figures.length} figures on target, ${results.durationSeconds} s, ` +
      `Node ${m.node}, ${m.cpus} CPUs (${m.cpu}), ${m.redis.split(' ').slice(0, 3).join(' ')}; ` +
      'written to bench/results/latest.json',
  );
}
