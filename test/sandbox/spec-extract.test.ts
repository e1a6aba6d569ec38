import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import requestSchemas from '../../src/sandbox/livestream-request-schemas.json';
import querySchemas from '../../src/sandbox/list-query-schemas.json';

const ROOT = join(__dirname, '..', '..');
const EXTRACT = join(ROOT, 'test', 'fixtures', 'zoom-meeting-api-extract.json');
const SCRIPT = join(ROOT, 'scripts', 'extract-zoom-openapi.mjs');

interface Parameter {
  name: string;
  in: string;
  schema: Record<string, unknown>;
}
interface Extract {
  'x-source': string;
  paths: Record<
    string,
    {
      patch?: { requestBody: { content: Record<string, { schema: unknown }> } };
      get?: { parameters: Parameter[] };
    }
  >;
}

const extract = JSON.parse(readFileSync(EXTRACT, 'utf8')) as Extract;

const runScript = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

it('the sandbox ships exactly the request schemas of Zoom’s OpenAPI document', () => {
  expect(Object.keys(requestSchemas.paths).length).toBeGreaterThan(0);
  for (const [path, schema] of Object.entries(requestSchemas.paths)) {
    const body = extract.paths[path]?.patch?.requestBody.content['application/json'];
    expect({ path, schema }).toEqual({ path, schema: body?.schema });
  }
});

it('the sandbox ships exactly the query parameters of Zoom’s OpenAPI document, without examples', () => {
  expect(Object.keys(querySchemas.paths).length).toBeGreaterThan(0);
  for (const [path, properties] of Object.entries(querySchemas.paths)) {
    const parameters = extract.paths[path]?.get?.parameters;
    expect(parameters).toBeDefined();
    const fromSpec = Object.fromEntries(
      parameters!.map(({ name, schema: { example: _example, ...schema } }) => [name, schema]),
    );
    expect({ path, properties }).toEqual({ path, properties: fromSpec });
  }
});

it('the extract is what scripts/extract-zoom-openapi.mjs makes of a document, and names its source', () => {
  // The extract has the document's shape, so extracting from it gives it back unchanged.
  const run = runScript(EXTRACT);
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual(extract);
  expect(extract['x-source']).toContain('Zoom Meeting API OpenAPI document');
});

it('the script names a path the document lacks, and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-'));
  try {
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ openapi: '3.0.0', info: {}, paths: {} }));
    const run = runScript(spec);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no PATCH ${Object.keys(requestSchemas.paths)[0]}`);
    expect(runScript().status).toBe(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
