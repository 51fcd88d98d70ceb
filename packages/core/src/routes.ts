import type { z } from 'zod';
import type { ApiName } from './apis.js';
import type { RequestContext } from './context.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
export type ApiLevel = 'v1' | 'v1alpha' | 'v1beta';

type AnySchema = z.ZodType<any, any>;

export interface RouteInput<Path = any, Query = any, Body = any> {
  path: Path;
  query: Query;
  body: Body;
}

/**
 * One operation of an API, described apart from any web framework: where it lives, what it
 * accepts and answers, and how to call the API implementation. The server turns these into
 * routes generically and the OpenAPI document is generated from them.
 */
export interface RouteDefinition<Impl = any> {
  api: ApiName;
  operationId: string;
  method: HttpMethod;
  /** Path with `{param}` placeholders, e.g. `/v1/models/{model_id}`. */
  path: string;
  summary: string;
  description?: string;
  deprecated?: boolean;
  /** Also served under `/v1/openai/v1/…` (OpenAI-compatible routes). */
  openaiCompatible?: boolean;
  /** A path parameter that may contain slashes (model ids such as `ollama/llama3:8b`). */
  greedyPathParam?: string;
  pathParams?: AnySchema;
  query?: AnySchema;
  body?: AnySchema;
  /**
   * How the body arrives: JSON (default), or a multipart form with one file part named
   * `fileField`; then `body` validates the other fields and the handler receives a
   * `MultipartBody` (see `content.ts`).
   */
  multipart?: { fileField: string };
  /** Schema of the JSON answer. */
  response?: AnySchema;
  /** Schema of one server-sent event when the operation streams. */
  streamEvent?: AnySchema;
  /** The answer is raw bytes (`BinaryContent`) of this media type rather than JSON. */
  binaryResponse?: string;
  /** HTTP status of a success (default 200). */
  successStatus?: number;
  /** Calls the implementation. A returned async iterable is sent as server-sent events. */
  handler(impl: Impl, input: RouteInput, context: RequestContext): Promise<unknown>;
}

/** Declares a route with its handler typed from the schemas. */
export function defineRoute<
  Impl,
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(
  route: Omit<RouteDefinition<Impl>, 'handler' | 'pathParams' | 'query' | 'body'> & {
    pathParams?: P;
    query?: Q;
    body?: B;
    handler(
      impl: Impl,
      input: RouteInput<OutputOf<P>, OutputOf<Q>, OutputOf<B>>,
      context: RequestContext,
    ): Promise<unknown>;
  },
): RouteDefinition<Impl> {
  return route as RouteDefinition<Impl>;
}

type OutputOf<S> = S extends AnySchema ? z.output<S> : undefined;

export function apiLevelOf(path: string): ApiLevel {
  const segment = path.split('/')[1];
  return segment === 'v1alpha' || segment === 'v1beta' ? segment : 'v1';
}

/** The alias the OpenAI-compatible routes are also served under. */
export function openaiAliasOf(path: string): string {
  return path.replace(/^\/v1\//, '/v1/openai/v1/');
}
