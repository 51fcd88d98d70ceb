import { afterAll, beforeAll, describe, it } from 'vitest';
import type { InferenceProvider } from '../inference-api.js';
import {
  checkAbortedStream,
  checkChatCompletion,
  checkChatCompletionStream,
  checkCompletion,
  checkCompletionStream,
  checkEmbeddings,
  checkListedModels,
  checkRerank,
  checkUnknownModel,
} from './inference-checks.js';

/** What the suite runs against: a provider and the provider's own ids of the models to use. */
export interface InferenceConformanceFixture {
  provider: InferenceProvider;
  /** A chat model the backend serves; without it (an embedding-only provider) the chat checks are skipped. */
  chatModel?: string;
  /** A model for `POST /v1/completions`; without it the completion checks are skipped. */
  completionModel?: string;
  /** An embedding model; without it the embedding checks are skipped. */
  embeddingModel?: string;
  /** The embedding model's vector size, checked against `listModels()` and the vectors. */
  embeddingDimension?: number;
  /** A rerank model; without it the rerank check is skipped. */
  rerankModel?: string;
  /**
   * Releases what `setup` started besides the provider (a server, a container). The suite calls
   * the provider's own `close()` first.
   */
  close?: () => Promise<void>;
}

export interface InferenceConformanceOptions {
  /** Names the suite in test reports, e.g. `remote::vllm`. */
  name: string;
  /**
   * Called once before the checks. For the abort check to mean anything, the backend's streamed
   * answers should last longer than a second.
   */
  setup: () => Promise<InferenceConformanceFixture>;
}

/**
 * Registers the tests every inference provider must pass: model listing, chat completions plain
 * and streamed, cancellation, completions, embeddings in both encodings, and errors from the
 * closed set. Call it at the top level of a provider's test file.
 */
export function describeInferenceProviderConformance(options: InferenceConformanceOptions): void {
  describe(`${options.name} conforms to the inference API`, () => {
    let fixture: InferenceConformanceFixture | undefined;

    function current(): InferenceConformanceFixture {
      if (!fixture) throw new Error(`The setup of the ${options.name} conformance suite did not complete.`);
      return fixture;
    }

    beforeAll(async () => {
      fixture = await options.setup();
    });

    afterAll(async () => {
      if (!fixture) return;
      try {
        await fixture.provider.close?.();
      } finally {
        await fixture.close?.();
      }
    });

    it('lists its models with ids, valid types and embedding dimensions', async ({ skip }) => {
      const { provider, chatModel, embeddingModel, embeddingDimension } = current();
      if (!provider.listModels) return skip('the provider does not list models');
      await checkListedModels(provider, { chatModel, embeddingModel, embeddingDimension });
    });

    it('answers a chat completion', async ({ skip }) => {
      const { provider, chatModel } = current();
      if (chatModel === undefined) return skip('no chatModel was given');
      await checkChatCompletion(provider, chatModel);
    });

    it('streams a chat completion with usage at the end', async ({ skip }) => {
      const { provider, chatModel } = current();
      if (chatModel === undefined) return skip('no chatModel was given');
      await checkChatCompletionStream(provider, chatModel);
    });

    it('ends a stream within a second when its request is aborted', async ({ skip }) => {
      const { provider, chatModel } = current();
      if (chatModel === undefined) return skip('no chatModel was given');
      await checkAbortedStream(provider, chatModel);
    });

    it('answers a text completion', async ({ skip }) => {
      const { provider, completionModel } = current();
      if (completionModel === undefined) return skip('no completionModel was given');
      await checkCompletion(provider, completionModel);
    });

    it('streams a text completion', async ({ skip }) => {
      const { provider, completionModel } = current();
      if (completionModel === undefined) return skip('no completionModel was given');
      await checkCompletionStream(provider, completionModel);
    });

    it('embeds two inputs in order, as floats and as base64', async ({ skip }) => {
      const { provider, embeddingModel, embeddingDimension } = current();
      if (embeddingModel === undefined) return skip('no embeddingModel was given');
      await checkEmbeddings(provider, embeddingModel, embeddingDimension);
    });

    it('reranks items by relevance, most relevant first', async ({ skip }) => {
      const { provider, rerankModel } = current();
      if (rerankModel === undefined) return skip('no rerankModel was given');
      await checkRerank(provider, rerankModel);
    });

    it('rejects an unknown model with NotFoundError or InvalidRequestError', async () => {
      const { provider, chatModel, completionModel, embeddingModel } = current();
      await checkUnknownModel(provider, {
        chat: chatModel !== undefined,
        completion: completionModel !== undefined,
        embeddings: embeddingModel !== undefined,
      });
    });
  });
}
