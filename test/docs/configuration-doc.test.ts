import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config';

const ROOT = join(__dirname, '..', '..');
const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8');

/** Enough for every role, so that a variable's own problem is the only one reported. */
const BASE = {
  ZOOM_WEBHOOK_SECRET_TOKEN: 'webhook-secret',
  ZOOM_ACCOUNT_ID: 'acc',
  ZOOM_CLIENT_ID: 'cid',
  ZOOM_CLIENT_SECRET: 'client-secret',
};

interface Row {
  name: string;
  /** The default cell as written. */
  cell: string;
}

/** Rows of every table in `markdown` whose first cell is one variable name in backticks. */
function tableRows(markdown: string): Row[] {
  const row = /^\| `([A-Z][A-Z0-9_]*[A-Z0-9])` +\| (.*?) +\| .* \|$/gm;
  return [...markdown.matchAll(row)].map((m) => ({ name: m[1]!, cell: m[2]! }));
}

/** A default written as one value, e.g. `` `5000` `` or `` `0` (trust the 204) ``; else undefined. */
function literalDefault(cell: string): string | undefined {
  return /^`([^`]+)`(?: \([^)]*\))?$/.exec(cell)?.[1];
}

/**
 * The variables the configuration code names: the keys of its variable tables (`NAME: {`), and any
 * `env.NAME` or `env['NAME']` it reads directly, in every file of `src/config/`.
 */
function variablesInCode(): Set<string> {
  const names = new Set<string>();
  const dir = join(ROOT, 'src', 'config');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = read('src', 'config', file);
    for (const m of source.matchAll(/^\s*([A-Z][A-Z0-9_]*[A-Z0-9])\??:/gm)) names.add(m[1]!);
    for (const m of source.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]*[A-Z0-9])/g)) names.add(m[1]!);
  }
  return names;
}

/** The problems `loadConfig` reports for `env`, or none. */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const documented = tableRows(read('docs', 'configuration.md'));
const documentedNames = documented.map((r) => r.name);

describe('docs/configuration.md against the configuration code', () => {
  it('lists each variable once', () => {
    const twice = documentedNames.filter((n, i) => documentedNames.indexOf(n) !== i);
    expect(twice).toEqual([]);
    expect(documentedNames.length).toBeGreaterThan(40);
  });

  it('documents every variable the configuration code names', () => {
    const missing = [...variablesInCode()].filter((n) => !documentedNames.includes(n)).sort();
    expect(missing).toEqual([]);
  });

  it('documents only variables the code reads: a bad value of each is refused, by name', () => {
    // ' ' is not a number, URL, choice or name; 300 characters is too long for a display name.
    const notRead = documentedNames.filter(
      (name) =>
        ![' ', 'x'.repeat(300)].some((probe) =>
          problems({ ...BASE, [name]: probe }).some((p) => p.includes(name)),
        ),
    );
    expect(notRead).toEqual([]);
  });

  it('shows the shipped default: setting a variable to it changes nothing', () => {
    const shipped = loadConfig(BASE);
    const checked = documented.flatMap(({ name, cell }) => {
      const value = literalDefault(cell);
      return value === undefined ? [] : [{ name, value }];
    });
    expect(checked.length).toBeGreaterThan(30);
    const differing = checked.filter(
      ({ name, value }) =>
        JSON.stringify(loadConfig({ ...BASE, [name]: value })) !== JSON.stringify(shipped),
    );
    expect(differing).toEqual([]);
  });
});

describe('the other places a variable is written down', () => {
  it('README: the quick table shows a subset of docs/configuration.md, with the same defaults', () => {
    const quick = tableRows(read('README.md'));
    expect(quick.length).toBeGreaterThan(5);
    const byName = new Map(documented.map((r) => [r.name, r.cell]));
    const disagreeing = quick.filter((r) => byName.get(r.name) !== r.cell).map((r) => r.name);
    expect(disagreeing).toEqual([]);
  });

  it('.env.example: names every documented variable, and its values are the defaults', () => {
    const example = read('.env.example');
    const unnamed = documentedNames.filter((n) => !new RegExp(`\\b${n}\\b`).test(example));
    expect(unnamed).toEqual([]);
    const assignments = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*[A-Z0-9])=(.*)$/gm)];
    const undocumented = assignments.map((m) => m[1]!).filter((n) => !documentedNames.includes(n));
    expect(undocumented).toEqual([]);
    const wrong = assignments
      .filter((m) => !m[0].startsWith('#') && m[2] !== '')
      .filter((m) => literalDefault(documented.find((r) => r.name === m[1])?.cell ?? '') !== m[2])
      .map((m) => m[1]);
    expect(wrong).toEqual([]);
  });
});
