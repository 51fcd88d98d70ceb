import { generateId, InvalidRequestError, nowSeconds, silentLogger, UnsupportedError, type Logger, type ProviderHealth, type RequestContext } from '@stack/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  DiscoveredModel,
  EmbeddingsRequest,
  EmbeddingsResponse,
  InferenceProvider,
} from '@stack/inference-api';
import { LlamaCompletion, type Token } from 'node-llama-cpp';
import { createAsyncChannel } from './async-channel.js';
import { generateChat, prepareChat, type ChatGenerationResult, type ToolCall, type Usage } from './chat-generation.js';
import { defaultContextCap, type LlamaCppConfig } from './llama-cpp-config.js';
import {
  checkModelFiles,
  createLlamaCppRuntime,
  type LoadedEmbeddingModel,
  type LoadedModel,
  type LoadedTextModel,
  type ModelSlot,
} from './llama-cpp-runtime.js';
import { finishReasonOf, generationBudget, samplingOptions, toProviderError } from './sampling.js';

export interface LlamaCppProviderOptions {
  providerId?: string;
  logger?: Logger;
}

export interface LlamaCppProvider extends InferenceProvider {
  listModels(): Promise<DiscoveredModel[]>;
  health(): Promise<ProviderHealth>;
  close(): Promise<void>;
}

type CompletionPrompt = { text: string } | { tokens: Token[] };

function completionPrompts(prompt: CompletionRequest['prompt']): CompletionPrompt[] {
  if (prompt === null) return [{ text: '' }];
  if (typeof prompt === 'string') return [{ text: prompt }];
  if (prompt.length === 0) throw new InvalidRequestError('`prompt` must not be an empty array.', { param: 'prompt' });
  if (prompt.every((item) => typeof item === 'string')) return (prompt as string[]).map((text) => ({ text }));
  if (prompt.every((item) => typeof item === 'number')) return [{ tokens: prompt as Token[] }];
  return (prompt as number[][]).map((tokens) => ({ tokens: tokens as Token[] }));
}

function embeddingInputs(input: EmbeddingsRequest['input']): Array<string | Token[]> {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => typeof item === 'number')) return [input as Token[]];
  return input as Token[][];
}

/** Little-endian float32, as OpenAI's `encoding_format: 'base64'` sends vectors. */
function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** An abort signal that fires when the request's does, or when the consumer stops reading a stream. */
function linkedController(signal: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  return { controller, unlink: () => signal.removeEventListener('abort', forward) };
}

/**
 * An inference provider that runs GGUF models in process with llama.cpp (through node-llama-cpp).
 * Models load on first use, once; requests to one model take turns on its single context
 * sequence, so concurrent requests never interleave tokens.
 */
export function createLlamaCppInferenceProvider(config: LlamaCppConfig, options: LlamaCppProviderOptions = {}): LlamaCppProvider {
  checkModelFiles(config);
  const logger = options.logger ?? silentLogger;
  const runtime = createLlamaCppRuntime(config, logger);

  function requireSlot(model: string, type: 'llm' | 'embedding'): ModelSlot {
    const slot = runtime.slot(model);
    if (slot.config.model_type !== type) {
      const use = type === 'embedding' ? 'embeddings' : 'chat completions and completions';
      throw new InvalidRequestError(`Model '${model}' is configured as an ${slot.config.model_type} model and cannot be used for ${use}.`, {
        param: 'model',
      });
    }
    return slot;
  }

  /** Runs `work` with the model loaded and its lock held; errors come out of the closed set. */
  async function withModel<Loaded extends LoadedModel, T>(slot: ModelSlot, signal: AbortSignal, work: (loaded: Loaded) => Promise<T>): Promise<T> {
    const release = await slot.lock.acquire(signal);
    try {
      const loaded = (await runtime.load(slot)) as Loaded;
      return await work(loaded);
    } catch (error) {
      throw toProviderError(error, signal);
    } finally {
      release();
    }
  }

  /**
   * Streams what `produce` pushes while it runs under the model's lock. Nothing starts until the
   * stream is read; a reader that stops early aborts the generation and frees the model.
   */
  function streamFrom<Chunk>(slot: ModelSlot, signal: AbortSignal, produce: (loaded: LoadedModel, push: (chunk: Chunk) => void, signal: AbortSignal) => Promise<void>): AsyncIterable<Chunk> {
    return {
      async *[Symbol.asyncIterator]() {
        const { controller, unlink } = linkedController(signal);
        const channel = createAsyncChannel<Chunk>();
        const running = withModel(slot, controller.signal, (loaded) => produce(loaded, (chunk) => channel.push(chunk), controller.signal)).then(
          () => channel.end(),
          (error: unknown) => channel.fail(error),
        );
        try {
          yield* channel;
        } finally {
          controller.abort(new DOMException('The stream was closed.', 'AbortError'));
          unlink();
          await running;
        }
      },
    };
  }

  function chatCompletionOf(id: string, created: number, model: string, result: ChatGenerationResult): ChatCompletion {
    return {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.content, ...(result.toolCalls.length > 0 ? { tool_calls: result.toolCalls } : {}) },
          finish_reason: result.finishReason,
          logprobs: null,
        },
      ],
      usage: result.usage,
    };
  }

  return {
    async chatCompletion(request: ChatCompletionRequest, context: RequestContext) {
      const slot = requireSlot(request.model, 'llm');
      const prepared = prepareChat(request);
      const id = generateId('chatcmpl');
      const created = nowSeconds();
      const model = request.model;

      if (!request.stream) {
        const result = await withModel<LoadedTextModel, ChatGenerationResult>(slot, context.signal, (loaded) => generateChat(loaded, prepared, context.signal));
        return chatCompletionOf(id, created, model, result);
      }

      const includeUsage = request.stream_options?.include_usage === true;
      const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null = null): ChatCompletionChunk => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      });
      return streamFrom<ChatCompletionChunk>(slot, context.signal, async (loaded, push, signal) => {
        push(chunk({ role: 'assistant', content: '' }));
        const result = await generateChat(loaded as LoadedTextModel, prepared, signal, {
          onText: (text) => {
            if (text) push(chunk({ content: text }));
          },
          onToolCall: (call: ToolCall, index) => push(chunk({ tool_calls: [{ index, ...call }] })),
        });
        push(chunk({}, result.finishReason));
        if (includeUsage) push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: result.usage });
      });
    },

    async completion(request: CompletionRequest, context: RequestContext) {
      const slot = requireSlot(request.model, 'llm');
      if (request.suffix) throw new UnsupportedError('inline::llama-cpp does not fill in between a prompt and a suffix.', { param: 'suffix' });
      if (request.logprobs !== undefined && request.logprobs !== null && request.logprobs !== false) {
        throw new UnsupportedError('inline::llama-cpp does not return logprobs.', { param: 'logprobs' });
      }
      if (request.best_of !== undefined && request.best_of !== null && request.best_of > 1) {
        throw new UnsupportedError('inline::llama-cpp generates one candidate per prompt; best_of must be 1.', { param: 'best_of' });
      }
      const sampling = samplingOptions(request);
      const prompts = completionPrompts(request.prompt);
      const id = generateId('cmpl');
      const created = nowSeconds();
      const model = request.model;

      // Prompts run one after another; each becomes the choice at its index.
      const run = async (
        loaded: LoadedTextModel,
        signal: AbortSignal,
        onText?: (index: number, text: string) => void,
      ): Promise<{ texts: string[]; finishReasons: string[]; usage: Usage }> => {
        const texts: string[] = [];
        const finishReasons: string[] = [];
        const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
        for (const [index, prompt] of prompts.entries()) {
          const tokens = 'tokens' in prompt ? prompt.tokens : loaded.model.tokenize(prompt.text);
          const bos = loaded.model.tokens.bos;
          const promptTokens = tokens.length + (bos !== null && loaded.model.tokens.shouldPrependBosToken && tokens[0] !== bos ? 1 : 0);
          const maxTokens = generationBudget(request.max_tokens, promptTokens, loaded.contextSize);
          const echoed = request.echo ? ('text' in prompt ? prompt.text : loaded.model.detokenize(prompt.tokens)) : '';
          if (echoed) onText?.(index, echoed);
          const completion = new LlamaCompletion({ contextSequence: loaded.sequence, autoDisposeSequence: false });
          const meterBefore = loaded.sequence.tokenMeter.getState();
          try {
            const response = await completion.generateCompletionWithMeta('tokens' in prompt ? prompt.tokens : prompt.text, {
              ...sampling,
              maxTokens,
              signal,
              stopOnAbortSignal: false,
              onTextChunk: onText ? (text) => onText(index, text) : undefined,
            });
            const completionTokens = loaded.sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
            texts.push(echoed + response.response);
            finishReasons.push(finishReasonOf(response.metadata.stopReason));
            usage.prompt_tokens += promptTokens;
            usage.completion_tokens += completionTokens;
            usage.total_tokens += promptTokens + completionTokens;
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        }
        return { texts, finishReasons, usage };
      };

      if (!request.stream) {
        const result = await withModel<LoadedTextModel, Awaited<ReturnType<typeof run>>>(slot, context.signal, (loaded) => run(loaded, context.signal));
        const completion: Completion = {
          id,
          object: 'text_completion',
          created,
          model,
          choices: result.texts.map((text, index) => ({ index, text, finish_reason: result.finishReasons[index], logprobs: null })),
          usage: result.usage,
        };
        return completion;
      }

      const includeUsage = request.stream_options?.include_usage === true;
      const chunk = (choices: Completion['choices']): Completion => ({ id, object: 'text_completion', created, model, choices });
      return streamFrom<Completion>(slot, context.signal, async (loaded, push, signal) => {
        const result = await run(loaded as LoadedTextModel, signal, (index, text) => {
          if (text) push(chunk([{ index, text, finish_reason: null, logprobs: null }]));
        });
        push(chunk(result.finishReasons.map((finishReason, index) => ({ index, text: '', finish_reason: finishReason, logprobs: null }))));
        if (includeUsage) push({ ...chunk([]), usage: result.usage });
      });
    },

    async embeddings(request: EmbeddingsRequest, context: RequestContext): Promise<EmbeddingsResponse> {
      const slot = requireSlot(request.model, 'embedding');
      const inputs = embeddingInputs(request.input);
      const format = request.encoding_format ?? 'float';
      return withModel<LoadedEmbeddingModel, EmbeddingsResponse>(slot, context.signal, async (loaded) => {
        const dimension = loaded.model.embeddingVectorSize;
        if (request.dimensions !== undefined && request.dimensions !== dimension) {
          throw new InvalidRequestError(`Model '${request.model}' produces ${dimension}-dimensional embeddings and cannot shorten them.`, {
            param: 'dimensions',
          });
        }
        const data: EmbeddingsResponse['data'] = [];
        let promptTokens = 0;
        for (const [index, input] of inputs.entries()) {
          // Between inputs, so a client that went away stops a long batch early.
          context.signal.throwIfAborted();
          const param = typeof request.input === 'string' ? 'input' : `input[${index}]`;
          const length = loaded.context.calculateInputLength(input);
          if (length === 0 || (typeof input === 'string' && input === '')) throw new InvalidRequestError('Text to embed must not be empty.', { param });
          if (length > loaded.contextSize) {
            throw new InvalidRequestError(`Input ${index} is ${length} tokens; the model's context holds ${loaded.contextSize}.`, { param });
          }
          const { vector } = await loaded.context.getEmbeddingFor(input);
          promptTokens += length;
          data.push({ object: 'embedding', embedding: format === 'base64' ? encodeFloat32Base64(vector) : [...vector], index });
        }
        return { object: 'list', data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
      });
    },

    async listModels() {
      return Promise.all(
        runtime.slots().map(async (slot): Promise<DiscoveredModel> => {
          const summary = await runtime.summary(slot);
          const contextLength =
            slot.config.context_length ?? config.context_size ?? (summary.contextLength === undefined ? undefined : Math.min(summary.contextLength, defaultContextCap));
          return {
            provider_resource_id: slot.config.model_id,
            model_type: slot.config.model_type,
            metadata: {
              ...(contextLength !== undefined ? { context_length: contextLength } : {}),
              ...(slot.config.model_type === 'embedding' && summary.embeddingLength !== undefined ? { embedding_dimension: summary.embeddingLength } : {}),
            },
          };
        }),
      );
    },

    // Cheap by contract: reports a failed load, never loads a model itself.
    async health() {
      const error = runtime.lastLoadError();
      if (error === undefined) return { status: 'OK' };
      return { status: 'Error', message: `A llama.cpp model failed to load: ${error instanceof Error ? error.message : String(error)}` };
    },

    async close() {
      await runtime.close();
    },
  };
}
