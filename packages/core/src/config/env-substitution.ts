import { homedir } from 'node:os';

/** A `${env.X}` reference whose variable is unset or empty. */
export class EnvironmentVariableError extends Error {
  override readonly name = 'EnvironmentVariableError';
  constructor(
    readonly variable: string,
    readonly path: string,
  ) {
    super(`Environment variable '${variable}' is not set (used at '${path}'). Set it, or give a default with \${env.${variable}:=default}.`);
  }
}

const pattern = /\$\{env\.([A-Z0-9_]+)(?::([=+])([^}]*))?\}/g;

type Environment = Record<string, string | undefined>;

/**
 * Replaces `${env.X}`, `${env.X:=default}` and `${env.X:+value_if_set}` throughout a parsed run
 * config, with the reference server's rules:
 * - `${env.X}` fails when X is unset or empty;
 * - `:=` takes X when it is non-empty, else the default (possibly empty);
 * - `:+` takes the value when X is non-empty, else the empty string;
 * - a leading `~` of a substituted value becomes the home directory;
 * - a string changed by substitution is coerced: "" → null, true/false (any case) → boolean,
 *   integers and floats → numbers. Strings without references stay as written.
 * A list entry with a `provider_id` that resolves to empty is a disabled provider: its other
 * fields are not substituted, so their unset variables do not fail the load.
 */
export function substituteEnvironment(value: unknown, environment: Environment = process.env, path = ''): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      if (isRecord(item) && 'provider_id' in item) {
        const providerId = trySubstitute(item.provider_id, environment, `${itemPath}.provider_id`);
        if (providerId === null || providerId === '') return { ...item, provider_id: null };
      }
      return substituteEnvironment(item, environment, itemPath);
    });
  }
  if (isRecord(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      result[key] = substituteEnvironment(child, environment, path ? `${path}.${key}` : key);
    }
    return result;
  }
  if (typeof value === 'string') return substituteString(value, environment, path);
  return value;
}

function trySubstitute(value: unknown, environment: Environment, path: string): unknown {
  try {
    return substituteEnvironment(value, environment, path);
  } catch (error) {
    if (error instanceof EnvironmentVariableError) return value;
    throw error;
  }
}

function substituteString(text: string, environment: Environment, path: string): unknown {
  const replaced = text.replace(pattern, (_match, variable: string, operator: string | undefined, operand: string | undefined) => {
    const current = environment[variable];
    let value: string;
    if (operator === '=') {
      value = current ? current : (operand ?? '');
    } else if (operator === '+') {
      value = current ? (operand ?? '') : '';
    } else {
      if (!current) throw new EnvironmentVariableError(variable, path || '(root)');
      value = current;
    }
    return expandHome(value);
  });
  return replaced === text ? text : coerce(replaced);
}

function expandHome(value: string): string {
  if (value === '~') return homedir();
  if (value.startsWith('~/')) return homedir() + value.slice(1);
  return value;
}

function coerce(value: string): unknown {
  if (value === '') return null;
  const lowered = value.toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  if (/^[+-]?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim()) || /^[+-]?(inf|infinity|nan)$/i.test(value.trim())) {
    return Number.parseFloat(value.trim().replace(/^([+-]?)inf$/i, '$1Infinity'));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
