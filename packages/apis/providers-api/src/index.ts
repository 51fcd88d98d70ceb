import { defineRoute, type RequestContext, type RouteDefinition } from '@stack/core';
import { z } from 'zod';

export const providerInfoSchema = z.object({
  api: z.string(),
  provider_id: z.string(),
  provider_type: z.string(),
  /** The provider's config with secrets masked. */
  config: z.record(z.string(), z.unknown()),
  health: z.record(z.string(), z.unknown()),
});
export type ProviderInfo = z.output<typeof providerInfoSchema>;

export const listProvidersResponseSchema = z.object({ data: z.array(providerInfoSchema) });
export type ListProvidersResponse = z.output<typeof listProvidersResponseSchema>;

export const providerIdPathSchema = z.object({ provider_id: z.string().min(1) });

export interface ProvidersApi {
  listProviders(context?: RequestContext): Promise<ListProvidersResponse>;
  getProvider(providerId: string, context?: RequestContext): Promise<ProviderInfo>;
}

export const providersRoutes: RouteDefinition<ProvidersApi>[] = [
  defineRoute<ProvidersApi>({
    api: 'providers',
    operationId: 'listProviders',
    method: 'GET',
    path: '/v1/providers',
    summary: 'List providers.',
    response: listProvidersResponseSchema,
    handler: (impl, _input, context) => impl.listProviders(context),
  }),
  defineRoute<ProvidersApi, typeof providerIdPathSchema>({
    api: 'providers',
    operationId: 'getProvider',
    method: 'GET',
    path: '/v1/providers/{provider_id}',
    summary: 'Get provider.',
    description: "Get a provider's details, including its health.",
    pathParams: providerIdPathSchema,
    response: providerInfoSchema,
    handler: (impl, input, context) => impl.getProvider(input.path.provider_id, context),
  }),
];
