import type { z } from 'zod';

/**
 * The same type without index signatures, all the way down. Loose zod objects type as
 * `{ …; [k: string]: unknown }`, and TypeScript does not let an interface (the `openai` package's
 * types are interfaces) be assigned to an index signature; with them removed, an assignment checks
 * exactly the declared fields.
 */
export type DeclaredFields<T> = T extends readonly (infer Item)[]
  ? DeclaredFields<Item>[]
  : T extends object
  ? { [K in keyof T as string extends K ? never : K]: DeclaredFields<T[K]> }
  : T;

/** Where and what each problem is, e.g. `['messages.0.role: Invalid discriminator value…']`. */
export function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** Only the paths of the problems, e.g. `['messages.0.role']`. */
export function problemPaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}
