import { InvalidRequestError } from '@stack/core';
import type { z } from 'zod';

/** `kwargs.documents[0].content` from a zod issue path. */
export function argumentPath(path: ReadonlyArray<PropertyKey>, root = 'kwargs'): string {
  let text = root;
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return text;
}

/**
 * Tool arguments as models send them: `null` stands for an absent argument, so top-level null
 * entries are dropped before validation.
 */
export function withoutNulls(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).filter(([, value]) => value !== null));
}

/** Parses tool arguments, throwing `InvalidRequestError` that names the first bad argument. */
export function parseArguments<Schema extends z.ZodType>(schema: Schema, kwargs: Record<string, unknown>, tool: string): z.output<Schema> {
  const parsed = schema.safeParse(withoutNulls(kwargs));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = argumentPath(issue?.path ?? []);
  throw new InvalidRequestError(`${tool}: invalid ${param}: ${issue?.message ?? 'invalid value'}.`, { param });
}

/** A number given as a numeric string (models often quote numbers) becomes that number. */
export function numericString(value: unknown): unknown {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : value;
}

/** One id or a list of ids as a deduplicated list of non-empty strings; undefined when absent or empty. */
export function idList(value: unknown): string[] | undefined {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const ids = [...new Set(items.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim()))];
  return ids.length > 0 ? ids : undefined;
}
