import type { RequestContext } from '@stack/core';
import type { ListModelsResponse, Model, RegisterModelRequest } from './schemas.js';

export interface ModelsApi {
  listModels(context?: RequestContext): Promise<ListModelsResponse>;
  getModel(modelId: string, context?: RequestContext): Promise<Model>;
  /** Deprecated in the reference API: models are registered in the run config or discovered. */
  registerModel(request: RegisterModelRequest, context?: RequestContext): Promise<Model>;
  unregisterModel(modelId: string, context?: RequestContext): Promise<void>;
}
