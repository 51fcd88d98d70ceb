const secretKey = /(api_?key|token|password|secret|credential|authorization)/i;

/** A copy of a provider config with secret-looking values masked, for `GET /v1/providers`. */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (secretKey.test(key) && value !== null && value !== undefined && value !== '') return '********';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, redactSecrets(child, childKey)]));
  }
  return value;
}
