import { InvalidRequestError } from '@stack/core';
import type { z } from 'zod';

/** Parses one part of a request; a failure names the field, e.g. `body.messages[0].role`. */
export function parseRequestPart<T>(schema: z.ZodType<T, any>, value: unknown, part: 'body' | 'query' | 'path'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? formatField(issue.path) : '';
  const where = field ? `'${field}'` : `the request ${part}`;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
  throw new InvalidRequestError(`Invalid ${where}: ${issue?.message ?? 'invalid value'}${more}`, {
    code: 'invalid_value',
    param: field || part,
  });
}

function formatField(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}
