import {
  ConfigurationError,
  InvalidRequestError,
  NotFoundError,
  nowSeconds,
  type Logger,
  type RequestContext,
  type ModelInput,
  type Resource,
  type ResourceRegistry,
} from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import type { ListModelsResponse, Model, ModelsApi, ModelType, RegisterModelRequest } from '@stack/models-api';

export interface ModelResource extends Resource {
  type: 'model';
  model_type: ModelType;
  metadata: Record<string, unknown>;
  /** Seconds since the epoch at registration. */
  created: number;
}

/** The models API over the registry, and model discovery from the inference providers. */
export class ModelsService implements ModelsApi {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly providers: ReadonlyMap<string, InferenceProvider>,
    private readonly logger: Logger,
  ) {}

  async listModels(): Promise<ListModelsResponse> {
    const models = await this.registry.list<ModelResource>('model');
    return {
      object: 'list',
      data: models.map((model) => ({
        id: model.identifier,
        object: 'model' as const,
        created: model.created ?? 0,
        owned_by: 'llama_stack',
        custom_metadata: {
          model_type: model.model_type,
          provider_id: model.provider_id,
          provider_resource_id: model.provider_resource_id,
          ...model.metadata,
        },
      })),
    };
  }

  async getModel(modelId: string): Promise<Model> {
    return toModel(await this.registry.require<ModelResource>('model', modelId));
  }

  async registerModel(request: RegisterModelRequest, context?: RequestContext): Promise<Model> {
    const providerId = request.provider_id ?? this.defaultProviderId(request.model_id);
    if (!this.providers.has(providerId)) {
      throw new InvalidRequestError(
        `Provider '${providerId}' is not an inference provider of this stack. Known: ${[...this.providers.keys()].join(', ') || '(none)'}.`,
        { param: 'provider_id' },
      );
    }
    const modelType = request.model_type ?? 'llm';
    const metadata = request.metadata ?? {};
    if (modelType === 'embedding' && typeof metadata.embedding_dimension !== 'number') {
      throw new InvalidRequestError('An embedding model needs metadata.embedding_dimension (a number).', { param: 'metadata.embedding_dimension' });
    }
    const resource = await this.registry.register<ModelResource>({
      type: 'model',
      identifier: request.model_id,
      provider_id: providerId,
      provider_resource_id: request.provider_model_id ?? request.model_id,
      model_type: modelType,
      metadata,
      created: nowSeconds(),
      source: 'api',
      owner: context?.user,
    });
    return toModel(resource);
  }

  async unregisterModel(modelId: string): Promise<void> {
    await this.registry.unregister('model', modelId);
  }

  /** Registers the run config's models and drops run-config models no longer listed there. */
  async registerConfiguredModels(models: readonly ModelInput[]): Promise<void> {
    const wanted = new Set<string>();
    for (const input of models) {
      const providerId = input.provider_id ?? this.defaultProviderId(input.model_id);
      if (!this.providers.has(providerId)) {
        throw new ConfigurationError(
          `registered_resources.models: model '${input.model_id}' names provider '${providerId}', which is not an inference provider of this stack. Known: ${[...this.providers.keys()].join(', ') || '(none)'}.`,
        );
      }
      wanted.add(input.model_id);
      const existing = await this.registry.get<ModelResource>('model', input.model_id);
      await this.registry.put<ModelResource>({
        type: 'model',
        identifier: input.model_id,
        provider_id: providerId,
        provider_resource_id: input.provider_model_id ?? input.model_id,
        model_type: input.model_type ?? 'llm',
        metadata: input.metadata ?? {},
        created: existing?.created ?? nowSeconds(),
        source: 'run_config',
      });
    }
    for (const model of await this.registry.list<ModelResource>('model')) {
      if (model.source === 'run_config' && !wanted.has(model.identifier)) await this.registry.unregister('model', model.identifier);
    }
  }

  /**
   * Asks each provider for the models its backend serves and registers them as
   * `provider_id/model`. A provider that cannot be reached keeps what it had and is logged.
   */
  async refresh(providerIds: readonly string[] = [...this.providers.keys()]): Promise<void> {
    await Promise.all(
      providerIds.map(async (providerId) => {
        const provider = this.providers.get(providerId);
        if (!provider?.listModels) return;
        let discovered;
        try {
          discovered = await provider.listModels();
        } catch (error) {
          this.logger.warn(`Could not list the models of inference provider '${providerId}': ${(error as Error).message}`);
          return;
        }
        const seen = new Set<string>();
        for (const model of discovered) {
          const identifier = `${providerId}/${model.provider_resource_id}`;
          seen.add(identifier);
          const existing = await this.registry.get<ModelResource>('model', identifier);
          if (existing && existing.source !== 'listed_models') continue;
          await this.registry.put<ModelResource>({
            type: 'model',
            identifier,
            provider_id: providerId,
            provider_resource_id: model.provider_resource_id,
            model_type: model.model_type,
            metadata: model.metadata ?? {},
            created: existing?.created ?? nowSeconds(),
            source: 'listed_models',
          });
        }
        for (const model of await this.registry.list<ModelResource>('model')) {
          if (model.provider_id === providerId && model.source === 'listed_models' && !seen.has(model.identifier)) {
            await this.registry.unregister('model', model.identifier);
          }
        }
        this.logger.info(`Inference provider '${providerId}' serves ${discovered.length} model(s).`);
      }),
    );
  }

  private defaultProviderId(modelId: string): string {
    const prefix = modelId.includes('/') ? modelId.slice(0, modelId.indexOf('/')) : undefined;
    if (prefix && this.providers.has(prefix)) return prefix;
    if (this.providers.size === 1) return [...this.providers.keys()][0] as string;
    if (this.providers.size === 0) throw new NotFoundError('No inference provider is configured in this stack.', { param: 'provider_id' });
    throw new InvalidRequestError(
      `Model '${modelId}' does not say which provider serves it; set provider_id to one of: ${[...this.providers.keys()].join(', ')}.`,
      { param: 'provider_id' },
    );
  }
}

function toModel(resource: ModelResource): Model {
  return {
    identifier: resource.identifier,
    provider_resource_id: resource.provider_resource_id,
    provider_id: resource.provider_id,
    type: 'model',
    metadata: resource.metadata ?? {},
    model_type: resource.model_type ?? 'llm',
  };
}
