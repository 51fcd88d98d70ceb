import { defineRoute, type RouteDefinition } from '@stack/core';
import type { ModelsApi } from './models-api.js';
import { listModelsResponseSchema, modelIdPathSchema, modelSchema, registerModelRequestSchema } from './schemas.js';

export const modelsRoutes: RouteDefinition<ModelsApi>[] = [
  defineRoute<ModelsApi>({
    api: 'models',
    operationId: 'openaiListModels',
    method: 'GET',
    path: '/v1/models',
    summary: 'List models using the OpenAI API.',
    openaiCompatible: true,
    response: listModelsResponseSchema,
    handler: (impl, _input, context) => impl.listModels(context),
  }),
  defineRoute<ModelsApi, typeof modelIdPathSchema>({
    api: 'models',
    operationId: 'getModel',
    method: 'GET',
    path: '/v1/models/{model_id}',
    greedyPathParam: 'model_id',
    summary: 'Get model.',
    description: 'Get a model by its identifier.',
    openaiCompatible: true,
    pathParams: modelIdPathSchema,
    response: modelSchema,
    handler: (impl, input, context) => impl.getModel(input.path.model_id, context),
  }),
  defineRoute<ModelsApi, undefined, undefined, typeof registerModelRequestSchema>({
    api: 'models',
    operationId: 'registerModel',
    method: 'POST',
    path: '/v1/models',
    summary: 'Register model.',
    deprecated: true,
    body: registerModelRequestSchema,
    response: modelSchema,
    handler: (impl, input, context) => impl.registerModel(input.body, context),
  }),
  defineRoute<ModelsApi, typeof modelIdPathSchema>({
    api: 'models',
    operationId: 'unregisterModel',
    method: 'DELETE',
    path: '/v1/models/{model_id}',
    greedyPathParam: 'model_id',
    summary: 'Unregister model.',
    deprecated: true,
    pathParams: modelIdPathSchema,
    handler: async (impl, input, context) => {
      await impl.unregisterModel(input.path.model_id, context);
      return undefined;
    },
  }),
];
