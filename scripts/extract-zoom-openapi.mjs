// Writes to stdout the part of the Zoom Meeting API OpenAPI document that the sandbox's schemas
// are checked against (test/fixtures/zoom-meeting-api-extract.json): the PATCH request bodies of
// the paths in src/sandbox/livestream-request-schemas.json and the query parameters of the GET
// paths in src/sandbox/list-query-schemas.json, in the document's own shape.
//   node scripts/extract-zoom-openapi.mjs <ZoomMeetingAPISpec.json> > test/fixtures/zoom-meeting-api-extract.json
// Then `npx prettier --write` the file and run test/sandbox/spec-extract.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

const [specPath] = process.argv.slice(2);
if (!specPath || process.argv.length > 3) {
  process.stderr.write('usage: node scripts/extract-zoom-openapi.mjs <ZoomMeetingAPISpec.json>\n');
  process.exit(2);
}
const spec = readJson(specPath);
const sandboxPaths = (name) => Object.keys(readJson(join(root, 'src', 'sandbox', name)).paths);

const operation = (path, method) => {
  const found = spec.paths?.[path]?.[method];
  if (!found) {
    process.stderr.write(`${specPath}: no ${method.toUpperCase()} ${path}\n`);
    process.exit(1);
  }
  return found;
};

const paths = {};
for (const path of sandboxPaths('livestream-request-schemas.json')) {
  const { schema } = operation(path, 'patch').requestBody.content['application/json'];
  paths[path] = { patch: { requestBody: { content: { 'application/json': { schema } } } } };
}
for (const path of sandboxPaths('list-query-schemas.json')) {
  const parameters = (operation(path, 'get').parameters ?? [])
    .filter((p) => p.in === 'query')
    .map(({ name, schema }) => ({ name, in: 'query', schema }));
  paths[path] = { ...paths[path], get: { parameters } };
}

const extract = {
  'x-source':
    'Zoom Meeting API OpenAPI document (ZoomMeetingAPISpec.json): the parts the sandbox validates ' +
    'against, extracted by scripts/extract-zoom-openapi.mjs',
  openapi: spec.openapi,
  info: { title: spec.info?.title, version: spec.info?.version },
  paths,
};
process.stdout.write(`${JSON.stringify(extract, null, 2)}\n`);
