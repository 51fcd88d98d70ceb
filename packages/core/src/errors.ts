/**
 * The closed set of errors that providers and APIs throw. The HTTP layer maps each kind to a
 * status code; everything else becomes a 500 with no details leaked.
 *
 * Checks use a `Symbol.for` marker rather than `instanceof`, so they hold when two copies of this
 * package end up in `node_modules`.
 */
const marker = Symbol.for('stack.error');

export type StackErrorKind =
  | 'invalid_request'
  | 'not_found'
  | 'conflict'
  | 'authentication'
  | 'permission_denied'
  | 'rate_limit'
  | 'upstream'
  | 'unsupported'
  | 'request_too_large';

export interface StackErrorOptions {
  cause?: unknown;
  /** Machine-readable code for the OpenAI envelope (`error.code`). */
  code?: string;
  /** The request field the error is about (`error.param`), e.g. `messages[0].role`. */
  param?: string;
}

export abstract class StackError extends Error {
  private readonly [marker] = true;
  abstract readonly kind: StackErrorKind;
  readonly code: string | undefined;
  readonly param: string | undefined;

  constructor(message: string, options: StackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.param = options.param;
  }

  /** The kind a subclass stands for; `StackError.isInstance` accepts every kind. */
  static readonly errorKind: StackErrorKind | undefined = undefined;

  /** `NotFoundError.isInstance(error)` holds for not-found errors from any copy of this package. */
  static isInstance<T extends StackError>(this: { errorKind: StackErrorKind | undefined; prototype: T }, error: unknown): error is T {
    if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[marker] !== true) return false;
    return this.errorKind === undefined || (error as StackError).kind === this.errorKind;
  }
}

export class InvalidRequestError extends StackError {
  static override readonly errorKind = 'invalid_request' as const;
  override readonly name = 'InvalidRequestError';
  readonly kind = 'invalid_request' as const;
}

export class NotFoundError extends StackError {
  static override readonly errorKind = 'not_found' as const;
  override readonly name = 'NotFoundError';
  readonly kind = 'not_found' as const;

  /** `NotFoundError.of('Model', 'llama-3')` → "Model 'llama-3' not found." */
  static of(what: string, id: string, hint?: string): NotFoundError {
    return new NotFoundError(`${what} '${id}' not found.${hint ? ` ${hint}` : ''}`, { code: 'not_found' });
  }
}

export class ConflictError extends StackError {
  static override readonly errorKind = 'conflict' as const;
  override readonly name = 'ConflictError';
  readonly kind = 'conflict' as const;
}

export class AuthenticationError extends StackError {
  static override readonly errorKind = 'authentication' as const;
  override readonly name = 'AuthenticationError';
  readonly kind = 'authentication' as const;
}

export class PermissionDeniedError extends StackError {
  static override readonly errorKind = 'permission_denied' as const;
  override readonly name = 'PermissionDeniedError';
  readonly kind = 'permission_denied' as const;
}

export class RateLimitError extends StackError {
  static override readonly errorKind = 'rate_limit' as const;
  override readonly name = 'RateLimitError';
  readonly kind = 'rate_limit' as const;
}

/** An outside service (a model server, a hosted API) failed or could not be reached. */
export class UpstreamError extends StackError {
  static override readonly errorKind = 'upstream' as const;
  override readonly name = 'UpstreamError';
  readonly kind = 'upstream' as const;
  /** The status the upstream answered with, when it answered. */
  readonly upstreamStatus: number | undefined;

  constructor(message: string, options: StackErrorOptions & { upstreamStatus?: number } = {}) {
    super(message, options);
    this.upstreamStatus = options.upstreamStatus;
  }
}

/** The provider or API does not offer this operation or option. */
export class UnsupportedError extends StackError {
  static override readonly errorKind = 'unsupported' as const;
  override readonly name = 'UnsupportedError';
  readonly kind = 'unsupported' as const;
}

/** The request (an upload, a body) is larger than the server accepts: HTTP 413. */
export class RequestTooLargeError extends StackError {
  static override readonly errorKind = 'request_too_large' as const;
  override readonly name = 'RequestTooLargeError';
  readonly kind = 'request_too_large' as const;
}

/** The OpenAI error envelope, which the `openai` client parses. */
export interface ErrorEnvelope {
  error: { message: string; type: string; code: string | null; param: string | null };
}

const envelopeTypes: Record<StackErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'not_found_error',
  conflict: 'conflict_error',
  authentication: 'authentication_error',
  permission_denied: 'permission_error',
  rate_limit: 'rate_limit_error',
  upstream: 'upstream_error',
  unsupported: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
};

/** Builds the envelope for an error; anything that is not a StackError is reported generically. */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (StackError.isInstance(error)) {
    return {
      error: {
        message: error.message,
        type: envelopeTypes[error.kind],
        code: error.code ?? error.kind,
        param: error.param ?? null,
      },
    };
  }
  return { error: { message: 'Internal server error.', type: 'server_error', code: 'internal_error', param: null } };
}
