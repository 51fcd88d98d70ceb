import { z } from 'zod';

/**
 * Schemas for provider config values as they arrive from a run config after `${env.X:=…}`
 * substitution: `"true"`, `"4096"`, `""` and `null` stand for booleans, numbers and "not set".
 */

const unset = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

function parseBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
  if (['false', '0', 'no', 'off'].includes(lowered)) return false;
  return value;
}

/** A boolean; `"true"`/`"False"`/`"1"`/`"no"` accepted; unset → `defaultValue`. */
export function configBoolean(defaultValue: boolean) {
  return z.preprocess((value) => (unset(value) ? defaultValue : parseBoolean(value)), z.boolean());
}

/** An integer; numeric strings accepted; unset → `defaultValue`. */
export function configInteger(defaultValue: number) {
  return z.preprocess(
    (value) => (unset(value) ? defaultValue : typeof value === 'string' ? Number(value.trim()) : value),
    z.number().int().nonnegative(),
  );
}

/** A string; numbers (YAML may type `12345` as one) become strings; unset → undefined. */
export function configString() {
  return z.preprocess((value) => (unset(value) ? undefined : typeof value === 'number' ? String(value) : value), z.string().optional());
}

/** A string with a default; unset → `defaultValue`. */
export function configStringWithDefault(defaultValue: string) {
  return z.preprocess((value) => (unset(value) ? defaultValue : typeof value === 'number' ? String(value) : value), z.string());
}

/** `tls_verify`: a boolean (or boolean-like string), or the path of a CA bundle; unset → true. */
export function configTlsVerify() {
  return z.preprocess(
    (value) => (unset(value) ? true : parseBoolean(value)),
    z.union([z.boolean(), z.string().min(1)]),
  );
}
