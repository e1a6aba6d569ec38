import { readFileSync } from 'node:fs';
import { resolveEnv, type MissingVariable } from '../policy/resolve-env';

/** Reads one field of one account, reporting each problem (by field, never by secret value). */
export interface FieldReader {
  text(key: string, options: { required: boolean }): string | undefined;
  /** `${NAME}` or `<key>_file: path`; a secret written in the file itself is refused. */
  secret(key: string, required: boolean): string | undefined;
  integer(key: string, min: number, max: number): number | undefined;
  url(key: string): string | undefined;
  /** How many problems this reader reported so far. */
  problems(): number;
}

const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export function readField(
  raw: unknown,
  env: Record<string, string | undefined>,
  report: (problem: string) => void,
): FieldReader {
  const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  let count = 0;
  const problem = (p: string) => {
    count++;
    report(p);
  };
  const resolved = (key: string, required: boolean): string | undefined => {
    const value = record[key];
    if (value === undefined || value === null || value === '') {
      if (required) problem(`${key}: is required`);
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      problem(`${key}: must be a string`);
      return undefined;
    }
    const missing: MissingVariable[] = [];
    const text = resolveEnv(String(value), env, missing) as string;
    if (missing.length > 0) {
      // A process that does not need the field may run without its variable.
      if (required) problem(`${key}: \${${missing.map((m) => m.name).join('}, ${')}} is not set`);
      return undefined;
    }
    return text;
  };
  return {
    text: (key, { required }) => resolved(key, required),
    secret(key, required) {
      const fileKey = `${key}_file`;
      const inline = record[key];
      if (record[fileKey] !== undefined) {
        if (inline !== undefined) problem(`${key}: set ${key} or ${fileKey}, not both`);
        const path = resolved(fileKey, required);
        if (path === undefined) return undefined;
        try {
          return readFileSync(path, 'utf8').trim();
        } catch (err) {
          problem(`${fileKey}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
          return undefined;
        }
      }
      if (inline !== undefined && !(typeof inline === 'string' && REFERENCE.test(inline.trim()))) {
        problem(`${key}: must be a \${VARIABLE} reference or ${fileKey}, not the secret itself`);
        return undefined;
      }
      return resolved(key, required);
    },
    integer(key, min, max) {
      const text = resolved(key, false);
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < min || n > max) {
        problem(
          `${key}: must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`,
        );
        return undefined;
      }
      return n;
    },
    url(key) {
      const text = resolved(key, false);
      if (text === undefined) return undefined;
      if (!/^https?:\/\/[^\s]+$/.test(text)) {
        problem(`${key}: must start with http:// or https://`);
        return undefined;
      }
      return text.replace(/\/+$/, '');
    },
    problems: () => count,
  };
}

/** Each value listed more than once, as a problem naming it. */
export function duplicates(values: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice].map((v) => `${what} "${v}" is used by more than one account`);
}
