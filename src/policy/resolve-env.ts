/** A `${NAME}` reference that names an unset (or empty) environment variable. */
export interface MissingVariable {
  /** Where in the rule, e.g. `stream.stream_key`. */
  path: string;
  name: string;
}

/**
 * Replaces `${NAME}` in every string of `value` by that environment variable, so stream keys stay
 * out of the file. Unset variables are reported in `missing` (by name, never by value) and
 * replaced by nothing.
 */
export function resolveEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  missing: MissingVariable[],
  path: readonly string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        missing.push({ path: path.join('.'), name });
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => resolveEnv(v, env, missing, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env, missing, [...path, k])]),
    );
  }
  return value;
}
