import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schemas from './livestream-request-schemas.json';

export type LivestreamPath = keyof typeof schemas.paths;

/**
 * Validates request bodies against the schemas of Zoom's OpenAPI document (the PATCH bodies of
 * the livestream endpoints, copied into this package so the sandbox runs anywhere). Returns the
 * problems, empty when valid.
 */
export function createRequestValidator(): (path: LivestreamPath, body: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map(
    Object.entries(schemas.paths).map(([path, schema]) => [
      path,
      ajv.compile({ ...schema, additionalProperties: false }),
    ]),
  );
  return (path, body) => {
    const validate = compiled.get(path);
    if (!validate) return [`no schema for ${path}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || 'body'} ${e.message ?? 'is invalid'}`,
    );
  };
}
