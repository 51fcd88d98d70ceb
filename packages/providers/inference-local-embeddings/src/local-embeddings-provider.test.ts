import { createRequestContext, InvalidRequestError, NotFoundError } from '@stack/core';
import {
  embeddingsResponseSchema,
  rerankResponseSchema,
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  type RerankRequest,
} from '@stack/inference-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, decodeEmbeddingBase64 } from './embedding-math.js';
import { createLocalEmbeddingsInferenceProvider, type LocalEmbeddingsProvider } from './local-embeddings-provider.js';
import { loadUniversalSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';
import { providerSpec } from './index.js';
import { providerTestDependencies } from '@stack/core/testing';

const embeddingModel = 'universal-sentence-encoder';
const rerankModel = 'universal-sentence-encoder-rerank';
const deps = providerTestDependencies('local-embeddings');
const context = () => createRequestContext();

const cat = 'The cat sat on the mat';
const kitten = 'A kitten rested on the rug';
const unrelated = 'Quarterly revenue grew by eight percent in Europe';

const embed = (extra: Partial<EmbeddingsRequest> & Pick<EmbeddingsRequest, 'input'>) =>
  provider.embeddings({ model: embeddingModel, ...extra } as EmbeddingsRequest, context());
const rerank = (extra: Omit<RerankRequest, 'model'>) => provider.rerank({ model: rerankModel, ...extra }, context());
const vectorsOf = async (input: string[]) => (await embed({ input })).data.map((item) => item.embedding as number[]);

/** The real encoder, counting loads and the size of every forward pass. */
function countingLoader() {
  const stats = { loads: 0, batches: [] as number[] };
  const load = async (): Promise<SentenceEncoder> => {
    stats.loads++;
    const encoder = await loadUniversalSentenceEncoder();
    return {
      ...encoder,
      embed: (texts) => {
        stats.batches.push(texts.length);
        return encoder.embed(texts);
      },
    };
  };
  return { stats, load };
}

/** Live TensorFlow tensors, to see that `close()` frees the model's weights. */
async function liveTensors(): Promise<number> {
  const core = (await import('@energetic-ai/core')) as unknown as { memory(): { numTensors: number } };
  return core.memory().numTensors;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

let provider: LocalEmbeddingsProvider;
beforeAll(async () => {
  provider = (await providerSpec.create(providerSpec.configSchema.parse({}), deps)) as LocalEmbeddingsProvider;
});
afterAll(async () => {
  await provider.close();
});

describe('inline::local-embeddings', () => {
  describe('config and spec', () => {
    it('defaults batch_size to 32, accepts strings from env substitution and tolerates unknown keys', () => {
      expect(providerSpec.configSchema.parse({})).toEqual({ batch_size: 32 });
      expect(providerSpec.configSchema.parse({ batch_size: '' })).toEqual({ batch_size: 32 });
      expect(providerSpec.configSchema.parse({ batch_size: null })).toEqual({ batch_size: 32 });
      expect(providerSpec.configSchema.parse({ batch_size: ' 8 ', model: 'ignored' })).toMatchObject({ batch_size: 8 });
      expect(providerSpec.configSchema.parse({ batch_size: 64 })).toEqual({ batch_size: 64 });
    });

    it('refuses batch sizes that are not positive integers', () => {
      for (const batch_size of [0, -1, 2.5, 'many']) {
        expect(providerSpec.configSchema.safeParse({ batch_size }).success, String(batch_size)).toBe(false);
      }
    });

    it('is an inline inference provider', () => {
      expect(providerSpec.api).toBe('inference');
      expect(providerSpec.providerType).toBe('inline::local-embeddings');
      expect(providerSpec.providerDataSchema).toBeUndefined();
    });
  });

  describe('models', () => {
    it('lists the embedding model with its dimension and the rerank model', async () => {
      expect(await provider.listModels()).toEqual([
        { provider_resource_id: embeddingModel, model_type: 'embedding', metadata: { embedding_dimension: 512 } },
        { provider_resource_id: rerankModel, model_type: 'rerank', metadata: {} },
      ]);
    });

    it('refuses chat completions and completions: it only embeds and reranks', async () => {
      const chat = await rejection(
        provider.chatCompletion({ model: embeddingModel, messages: [{ role: 'user', content: 'hi' }] } as ChatCompletionRequest, context()),
      );
      expect(InvalidRequestError.isInstance(chat)).toBe(true);
      expect((chat as Error).message).toMatch(/only embeds and reranks/);
      const completion = await rejection(provider.completion({ model: embeddingModel, prompt: 'hi' } as CompletionRequest, context()));
      expect(InvalidRequestError.isInstance(completion)).toBe(true);
      expect((completion as Error).message).toMatch(/only embeds and reranks/);
    });
  });

  describe('embeddings', () => {
    it('embeds one string as a 512-dimensional unit vector in the OpenAI response shape', async () => {
      const response = await embed({ input: cat });
      expect(embeddingsResponseSchema.safeParse(response).success).toBe(true);
      expect(response.object).toBe('list');
      expect(response.model).toBe(embeddingModel);
      expect(response.data).toHaveLength(1);
      const [item] = response.data;
      expect(item.object).toBe('embedding');
      expect(item.index).toBe(0);
      const vector = item.embedding as number[];
      expect(vector).toHaveLength(512);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
      // The encoder's own tokenizer cuts this sentence into seven pieces.
      expect(response.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    });

    it('keeps the order of an array input and counts tokens over all of it', async () => {
      const texts = [cat, kitten, unrelated];
      const response = await embed({ input: texts });
      expect(embeddingsResponseSchema.safeParse(response).success).toBe(true);
      expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
      const single = await Promise.all(texts.map(async (text) => (await vectorsOf([text]))[0]));
      response.data.forEach((item, i) => expect(cosineSimilarity(item.embedding as number[], single[i])).toBeCloseTo(1, 5));
      const tokens = await Promise.all(texts.map(async (text) => (await embed({ input: text })).usage!.prompt_tokens));
      expect(response.usage!.prompt_tokens).toBe(tokens.reduce((a, b) => a + b, 0));
      expect(response.usage!.prompt_tokens).toBeGreaterThan(15);
    });

    it('places similar sentences clearly closer than unrelated ones', async () => {
      const [catVector, kittenVector, unrelatedVector] = await vectorsOf([cat, kitten, unrelated]);
      const similar = cosineSimilarity(catVector, kittenVector);
      const different = cosineSimilarity(catVector, unrelatedVector);
      expect(similar).toBeGreaterThan(0.5);
      expect(different).toBeLessThan(0.3);
      expect(similar - different).toBeGreaterThan(0.3);
    });

    it('answers base64 as little-endian float32 that decodes to the float vector', async () => {
      const [floats] = await vectorsOf([kitten]);
      const response = await embed({ input: [kitten], encoding_format: 'base64' });
      expect(embeddingsResponseSchema.safeParse(response).success).toBe(true);
      const encoded = response.data[0].embedding;
      expect(typeof encoded).toBe('string');
      expect(Buffer.from(encoded as string, 'base64').byteLength).toBe(512 * 4);
      const decoded = decodeEmbeddingBase64(encoded as string);
      expect(decoded).toHaveLength(512);
      decoded.forEach((value, i) => expect(value).toBeCloseTo(floats[i], 6));
      // Independent of the helper: read the first float by hand.
      expect(Buffer.from(encoded as string, 'base64').readFloatLE(0)).toBeCloseTo(floats[0], 6);
    });

    it('accepts dimensions: 512 and refuses any other width', async () => {
      expect((await embed({ input: cat, dimensions: 512 })).data[0].embedding).toHaveLength(512);
      const error = await rejection(embed({ input: cat, dimensions: 256 }));
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).param).toBe('dimensions');
      expect((error as Error).message).toMatch(/512/);
    });

    it('refuses token-id input, naming input', async () => {
      for (const input of [[101, 2023, 102], [[101, 2023], [102]]]) {
        const error = await rejection(embed({ input } as EmbeddingsRequest));
        expect(InvalidRequestError.isInstance(error)).toBe(true);
        expect((error as InvalidRequestError).param).toBe('input');
        expect((error as Error).message).toMatch(/token-id/);
      }
    });

    it('refuses empty texts, naming the offending entry', async () => {
      const single = await rejection(embed({ input: '' }));
      expect(InvalidRequestError.isInstance(single)).toBe(true);
      expect((single as InvalidRequestError).param).toBe('input');
      const inArray = await rejection(embed({ input: [cat, ''] }));
      expect((inArray as InvalidRequestError).param).toBe('input[1]');
    });

    it('refuses the rerank model and unknown models', async () => {
      const wrongKind = await rejection(provider.embeddings({ model: rerankModel, input: cat }, context()));
      expect(InvalidRequestError.isInstance(wrongKind)).toBe(true);
      expect((wrongKind as InvalidRequestError).param).toBe('model');
      const unknown = await rejection(provider.embeddings({ model: 'all-MiniLM-L6-v2', input: cat }, context()));
      expect(NotFoundError.isInstance(unknown)).toBe(true);
    });
  });

  describe('rerank', () => {
    const corpus = [
      'The Eiffel Tower is a wrought-iron lattice tower in Paris.',
      'To change your account password, open Settings and choose Reset password.',
      'Bananas are rich in potassium and make a quick snack.',
      'Our office is closed on public holidays.',
      'The stock market fell sharply on Monday.',
    ];
    const query = 'How do I reset my password?';

    it('puts the relevant item first, scores by cosine similarity and sorts descending', async () => {
      const response = await rerank({ query, items: corpus });
      expect(rerankResponseSchema.safeParse(response).success).toBe(true);
      expect(response.data).toHaveLength(corpus.length);
      expect(response.data[0].index).toBe(1);
      expect(response.data.map((item) => item.index).sort()).toEqual([0, 1, 2, 3, 4]);
      const scores = response.data.map((item) => item.relevance_score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0] - scores[1]).toBeGreaterThan(0.1);

      const [queryVector, ...itemVectors] = await vectorsOf([query, ...corpus]);
      for (const item of response.data) {
        expect(item.relevance_score).toBeCloseTo(cosineSimilarity(queryVector, itemVectors[item.index]), 5);
      }
    });

    it('finds the right item for another query too', async () => {
      const response = await rerank({ query: 'famous landmarks in France', items: corpus });
      expect(response.data[0].index).toBe(0);
    });

    it('accepts text parts for the query and the items', async () => {
      const asStrings = await rerank({ query, items: corpus });
      const asParts = await rerank({ query: { type: 'text', text: query }, items: corpus.map((text) => ({ type: 'text' as const, text })) });
      expect(asParts.data.map((item) => item.index)).toEqual(asStrings.data.map((item) => item.index));
      asParts.data.forEach((item, i) => expect(item.relevance_score).toBeCloseTo(asStrings.data[i].relevance_score, 6));
    });

    it('returns only the top max_num_results', async () => {
      const all = await rerank({ query, items: corpus });
      const top = await rerank({ query, items: corpus, max_num_results: 2 });
      expect(rerankResponseSchema.safeParse(top).success).toBe(true);
      expect(top.data).toHaveLength(2);
      expect(top.data.map((item) => item.index)).toEqual(all.data.slice(0, 2).map((item) => item.index));
      expect((await rerank({ query, items: corpus, max_num_results: 50 })).data).toHaveLength(corpus.length);
    });

    it('refuses image parts, naming where they are', async () => {
      const image = { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } };
      const inItems = await rejection(rerank({ query, items: [corpus[0], image] }));
      expect(InvalidRequestError.isInstance(inItems)).toBe(true);
      expect((inItems as InvalidRequestError).param).toBe('items[1]');
      const inQuery = await rejection(rerank({ query: image, items: corpus }));
      expect((inQuery as InvalidRequestError).param).toBe('query');
    });

    it('refuses empty texts and the embedding model', async () => {
      const empty = await rejection(rerank({ query, items: [corpus[0], ''] }));
      expect((empty as InvalidRequestError).param).toBe('items[1]');
      const wrongKind = await rejection(provider.rerank({ model: embeddingModel, query, items: corpus }, context()));
      expect(InvalidRequestError.isInstance(wrongKind)).toBe(true);
      expect((wrongKind as InvalidRequestError).param).toBe('model');
    });
  });

  describe('model lifecycle', () => {
    it('loads lazily, once under concurrent first calls, and batches by batch_size', async () => {
      const { stats, load } = countingLoader();
      const local = createLocalEmbeddingsInferenceProvider({ batch_size: 2 }, { loadEncoder: load });
      try {
        await local.listModels();
        expect(await local.health()).toEqual({ status: 'OK' });
        expect(stats.loads).toBe(0);
        const responses = await Promise.all(
          [cat, kitten, unrelated].map((text) => local.embeddings({ model: embeddingModel, input: text }, context())),
        );
        expect(stats.loads).toBe(1);
        expect(responses.every((response) => response.data[0].embedding.length === 512)).toBe(true);

        stats.batches.length = 0;
        const five = await local.embeddings({ model: embeddingModel, input: [cat, kitten, unrelated, cat, kitten] }, context());
        expect(stats.batches).toEqual([2, 2, 1]);
        expect(five.data.map((item) => item.index)).toEqual([0, 1, 2, 3, 4]);
        expect(cosineSimilarity(five.data[0].embedding as number[], five.data[3].embedding as number[])).toBeCloseTo(1, 5);
        expect(stats.loads).toBe(1);
      } finally {
        await local.close();
      }
    });

    it('close() frees the TensorFlow memory, and a later call loads again', async () => {
      const { stats, load } = countingLoader();
      const local = createLocalEmbeddingsInferenceProvider({ batch_size: 32 }, { loadEncoder: load });
      const before = await liveTensors();
      await local.embeddings({ model: embeddingModel, input: cat }, context());
      const loaded = await liveTensors();
      expect(loaded).toBeGreaterThan(before);
      await local.close();
      expect(await liveTensors()).toBe(before);
      await local.embeddings({ model: embeddingModel, input: cat }, context());
      expect(stats.loads).toBe(2);
      await local.close();
      expect(await liveTensors()).toBe(before);
    });

    it('reports a failed load in health and retries on the next call', async () => {
      let attempts = 0;
      const local = createLocalEmbeddingsInferenceProvider(
        { batch_size: 32 },
        {
          loadEncoder: async () => {
            attempts++;
            if (attempts === 1) throw new Error('model.json is missing');
            return loadUniversalSentenceEncoder();
          },
        },
      );
      try {
        expect(await rejection(local.embeddings({ model: embeddingModel, input: cat }, context()))).toMatchObject({
          message: 'model.json is missing',
        });
        expect(await local.health()).toEqual({ status: 'Error', message: expect.stringContaining('model.json is missing') });
        const response = await local.embeddings({ model: embeddingModel, input: cat }, context());
        expect(response.data[0].embedding).toHaveLength(512);
        expect(attempts).toBe(2);
        expect(await local.health()).toEqual({ status: 'OK' });
      } finally {
        await local.close();
      }
    });

    it('stops when the request is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('client went away'));
      const error = await rejection(provider.embeddings({ model: embeddingModel, input: [cat, kitten] }, createRequestContext({ signal: controller.signal })));
      expect((error as Error).message).toBe('client went away');
    });
  });
});
