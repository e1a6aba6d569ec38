import Ajv from 'ajv';
import schemas from './list-query-schemas.json';

export type ListPath = keyof typeof schemas.paths;

/**
 * Validates query strings against the query parameters of Zoom's OpenAPI document for the GET
 * endpoints the sandbox serves (copied into this package): unknown parameters, values outside an
 * enum, non-integers and numbers over the maximum are refused. Returns the problems, empty when
 * valid.
 */
export function createQueryValidator(): (path: ListPath, query: URLSearchParams) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
  const compiled = new Map(
    Object.entries(schemas.paths).map(([path, properties]) => [
      path,
      ajv.compile({ type: 'object', properties, additionalProperties: false }),
    ]),
  );
  return (path, query) => {
    const validate = compiled.get(path);
    if (!validate) return [`no schema for ${path}`];
    const problems = [...new Set(query.keys())]
      .filter((name) => query.getAll(name).length > 1)
      .map((name) => `${name} is given more than once`);
    if (!validate(Object.fromEntries(query))) {
      for (const e of validate.errors ?? []) {
        const name =
          e.keyword === 'additionalProperties'
            ? String((e.params as { additionalProperty?: unknown }).additionalProperty)
            : e.instancePath.slice(1);
        problems.push(`${name} ${e.message ?? 'is invalid'}`);
      }
    }
    return problems;
  };
}
