import { existsSync, statSync } from 'node:fs';
import { InvalidRequestError, NotFoundError, silentLogger, type Logger } from '@stack/core';
import {
  getLlama,
  LlamaChat,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { defaultContextCap, type LlamaCppConfig, type LlamaCppModelConfig } from './llama-cpp-config.js';
import { createSequenceLock, type SequenceLock } from './sequence-lock.js';

/** A text-generation model with its context, ready for requests. */
export interface LoadedTextModel {
  kind: 'llm';
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  contextSize: number;
}

export interface LoadedEmbeddingModel {
  kind: 'embedding';
  model: LlamaModel;
  context: LlamaEmbeddingContext;
  contextSize: number;
}

export type LoadedModel = LoadedTextModel | LoadedEmbeddingModel;

export interface ModelSlot {
  config: LlamaCppModelConfig;
  /** Requests to the model take turns: its context holds one sequence. */
  lock: SequenceLock;
}

export interface GgufSummary {
  embeddingLength?: number;
  contextLength?: number;
}

export interface LlamaCppRuntime {
  slot(modelId: string): ModelSlot;
  slots(): ModelSlot[];
  /** Loads the model on first use; concurrent first uses share one load. */
  load(slot: ModelSlot): Promise<LoadedModel>;
  /** The model's shape from its GGUF header, without loading its weights. */
  summary(slot: ModelSlot): Promise<GgufSummary>;
  lastLoadError(): unknown;
  close(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks every configured file up front, so a typo fails at startup rather than at the first request. */
export function checkModelFiles(config: Pick<LlamaCppConfig, 'models'>): void {
  for (const model of config.models) {
    if (!existsSync(model.path)) {
      throw new InvalidRequestError(`inline::llama-cpp model '${model.model_id}': no GGUF file at ${model.path}.`, { param: 'models.path' });
    }
    if (!statSync(model.path).isFile()) {
      throw new InvalidRequestError(`inline::llama-cpp model '${model.model_id}': ${model.path} is not a file.`, { param: 'models.path' });
    }
  }
}

export function createLlamaCppRuntime(config: LlamaCppConfig, logger: Logger = silentLogger): LlamaCppRuntime {
  const slots = new Map<string, ModelSlot>(config.models.map((model) => [model.model_id, { config: model, lock: createSequenceLock() }]));
  const loads = new Map<string, Promise<LoadedModel>>();
  const summaries = new Map<string, Promise<GgufSummary>>();
  let llamaPromise: Promise<Llama> | undefined;
  let loadError: unknown;
  let closed = false;

  function llama(): Promise<Llama> {
    llamaPromise ??= getLlama({
      // The prebuilt binaries ship with the package; never compile llama.cpp at request time.
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (!text) return;
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) logger.error(text, { source: 'llama.cpp' });
        else if (level === LlamaLogLevel.warn) logger.warn(text, { source: 'llama.cpp' });
        else logger.debug(text, { source: 'llama.cpp' });
      },
    }).catch((error: unknown) => {
      llamaPromise = undefined;
      throw error;
    });
    return llamaPromise;
  }

  async function loadModel(slot: ModelSlot): Promise<LoadedModel> {
    const startedAt = performance.now();
    const instance = await llama();
    const { model_id, path, gpu_layers, model_type } = slot.config;
    const model = await instance.loadModel({ modelPath: path, gpuLayers: gpu_layers });
    const contextSize = slot.config.context_length ?? config.context_size ?? Math.min(model.trainContextSize, defaultContextCap);
    try {
      if (model_type === 'embedding') {
        const context = await model.createEmbeddingContext({ contextSize, threads: config.threads });
        logger.info('Loaded a llama.cpp embedding model.', { model_id, ms: Math.round(performance.now() - startedAt), dimension: model.embeddingVectorSize });
        return { kind: 'embedding', model, context, contextSize };
      }
      const context = await model.createContext({ contextSize, threads: config.threads, sequences: 1 });
      const sequence = context.getSequence();
      const chat = new LlamaChat({ contextSequence: sequence });
      logger.info('Loaded a llama.cpp model.', { model_id, ms: Math.round(performance.now() - startedAt), chat_wrapper: chat.chatWrapper.wrapperName });
      return { kind: 'llm', model, context, sequence, chat, contextSize };
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  return {
    slot(modelId) {
      const slot = slots.get(modelId);
      if (!slot) {
        throw NotFoundError.of('Model', modelId, `inline::llama-cpp serves: ${[...slots.keys()].join(', ') || 'no models'}.`);
      }
      return slot;
    },

    slots() {
      return [...slots.values()];
    },

    load(slot) {
      if (closed) return Promise.reject(new InvalidRequestError('The inline::llama-cpp provider is closed.'));
      let pending = loads.get(slot.config.model_id);
      if (!pending) {
        pending = loadModel(slot).then(
          (loaded) => {
            loadError = undefined;
            return loaded;
          },
          (error: unknown) => {
            // Forgotten, so the next request tries again (the file may have been fixed).
            loads.delete(slot.config.model_id);
            loadError = error;
            logger.error('Could not load a llama.cpp model.', { model_id: slot.config.model_id, error: describe(error) });
            throw error;
          },
        );
        loads.set(slot.config.model_id, pending);
      }
      return pending;
    },

    summary(slot) {
      let pending = summaries.get(slot.config.model_id);
      if (!pending) {
        pending = readGgufFileInfo(slot.config.path, { readTensorInfo: false, logWarnings: false }).then((info) => {
          const metadata = info.architectureMetadata as { embedding_length?: unknown; context_length?: unknown };
          return {
            embeddingLength: typeof metadata.embedding_length === 'number' ? metadata.embedding_length : undefined,
            contextLength: typeof metadata.context_length === 'number' ? metadata.context_length : undefined,
          };
        });
        pending.catch(() => summaries.delete(slot.config.model_id));
        summaries.set(slot.config.model_id, pending);
      }
      return pending;
    },

    lastLoadError() {
      return loadError;
    },

    async close() {
      closed = true;
      const pending = [...loads.values()];
      loads.clear();
      for (const load of pending) {
        const loaded = await load.catch(() => undefined);
        if (!loaded) continue;
        if (loaded.kind === 'llm') loaded.chat.dispose({ disposeSequence: true });
        await loaded.context.dispose();
        await loaded.model.dispose();
      }
      const instance = await llamaPromise?.catch(() => undefined);
      llamaPromise = undefined;
      await instance?.dispose();
    },
  };
}
