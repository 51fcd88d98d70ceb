import { defineRoute, type RequestContext, type RouteDefinition } from '@stack/core';
import { z } from 'zod';

export const healthInfoSchema = z.object({ status: z.enum(['OK', 'Error', 'Not Implemented']) });
export type HealthInfo = z.output<typeof healthInfoSchema>;

export const versionInfoSchema = z.object({ version: z.string() });
export type VersionInfo = z.output<typeof versionInfoSchema>;

export const routeInfoSchema = z.object({
  route: z.string(),
  method: z.string(),
  provider_types: z.array(z.string()),
});
export type RouteInfo = z.output<typeof routeInfoSchema>;

export const listRoutesResponseSchema = z.object({ data: z.array(routeInfoSchema) });
export type ListRoutesResponse = z.output<typeof listRoutesResponseSchema>;

export const apiFilterSchema = z.enum(['v1', 'v1alpha', 'v1beta', 'deprecated']);
export type ApiFilter = z.output<typeof apiFilterSchema>;

export const listRoutesQuerySchema = z.object({ api_filter: apiFilterSchema.optional() });

export interface InspectApi {
  health(context?: RequestContext): Promise<HealthInfo>;
  version(context?: RequestContext): Promise<VersionInfo>;
  /**
   * Routes served by this stack. Without a filter, the non-deprecated `v1` routes; a level
   * gives that level's non-deprecated routes; `deprecated` gives deprecated routes of any level.
   */
  listRoutes(apiFilter?: ApiFilter, context?: RequestContext): Promise<ListRoutesResponse>;
}

export const inspectRoutes: RouteDefinition<InspectApi>[] = [
  defineRoute<InspectApi>({
    api: 'inspect',
    operationId: 'health',
    method: 'GET',
    path: '/v1/health',
    summary: 'Get health status.',
    response: healthInfoSchema,
    handler: (impl, _input, context) => impl.health(context),
  }),
  defineRoute<InspectApi>({
    api: 'inspect',
    operationId: 'version',
    method: 'GET',
    path: '/v1/version',
    summary: 'Get version.',
    response: versionInfoSchema,
    handler: (impl, _input, context) => impl.version(context),
  }),
  defineRoute<InspectApi, undefined, typeof listRoutesQuerySchema>({
    api: 'inspect',
    operationId: 'listRoutes',
    method: 'GET',
    path: '/v1/inspect/routes',
    summary: 'List routes.',
    description: 'List all available API routes with their methods and implementing providers.',
    query: listRoutesQuerySchema,
    response: listRoutesResponseSchema,
    handler: (impl, input, context) => impl.listRoutes(input.query.api_filter, context),
  }),
];
