import { z } from 'zod';

export const ROLES = ['all', 'receiver', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** One environment variable: its schema, default, whether it is secret and which roles need it. */
export interface VariableSpec {
  schema: z.ZodType<unknown, string>;
  default?: string;
  /** Never echoed in errors. */
  secret?: boolean;
  roles?: readonly Exclude<Role, 'all'>[];
}

export const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const required = z.string().trim().min(1, 'is required');

export const bool = z
  .enum(['true', 'false'], 'must be true or false')
  .transform((v) => v === 'true');
