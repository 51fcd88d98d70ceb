import { createRequestContext } from '@stack/core';
import {
  chatCompletionChunkSchema,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  completionRequestSchema,
  completionSchema,
  embeddingsRequestSchema,
  embeddingsResponseSchema,
} from '@stack/inference-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider, type OpenAICompatibleProvider } from './openai-compatible-provider.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerFlavor } from './testing/fake-openai-server.js';

// What the provider relays must satisfy the inference API's response schemas, for every flavor the
// fake imitates; otherwise the fake (or the relay) has drifted from the wire format.
const flavors: Array<{ flavor: FakeServerFlavor; llm: string; embedder: string }> = [
  { flavor: 'vllm', llm: 'meta-llama/Llama-3.2-3B-Instruct', embedder: 'nomic-ai/nomic-embed-text-v1.5' },
  { flavor: 'openai', llm: 'gpt-4o-mini', embedder: 'text-embedding-3-small' },
  { flavor: 'ollama', llm: 'llama3.2:3b', embedder: 'nomic-embed-text:latest' },
];

describe.each(flavors)('responses relayed from a $flavor upstream', ({ flavor, llm, embedder }) => {
  let server: FakeOpenAIServer;
  let provider: OpenAICompatibleProvider;
  const context = () => createRequestContext();

  beforeAll(async () => {
    server = await startFakeOpenAIServer({ flavor, streamChunks: 3 });
    provider = createOpenAICompatibleProvider({ name: flavor, baseURL: server.baseURL });
  });
  afterAll(async () => {
    await provider.close();
    await server.close();
  });

  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];

  it('chat completions, plain, streamed and with tool calls', async () => {
    for (const extra of [{}, { tools, tool_choice: 'required' }]) {
      const request = chatCompletionRequestSchema.parse({ model: llm, messages: [{ role: 'user', content: 'hi' }], top_k: 3, ...extra });
      expect(request).toHaveProperty('top_k', 3);
      chatCompletionSchema.parse(await provider.chatCompletion(request, context()));
      const stream = await provider.chatCompletion({ ...request, stream: true, stream_options: { include_usage: true } }, context());
      let count = 0;
      for await (const chunk of stream as AsyncIterable<unknown>) {
        chatCompletionChunkSchema.parse(chunk);
        count++;
      }
      expect(count).toBeGreaterThan(3);
    }
  });

  it('text completions, plain and streamed', async () => {
    const request = completionRequestSchema.parse({ model: llm, prompt: 'hi' });
    completionSchema.parse(await provider.completion(request, context()));
    for await (const chunk of (await provider.completion({ ...request, stream: true }, context())) as AsyncIterable<unknown>) {
      completionSchema.parse(chunk);
    }
  });

  it('embeddings in both encodings', async () => {
    for (const encoding_format of ['float', 'base64'] as const) {
      const request = embeddingsRequestSchema.parse({ model: embedder, input: ['a', 'b'], encoding_format });
      const response = embeddingsResponseSchema.parse(await provider.embeddings(request, context()));
      expect(response.data).toHaveLength(2);
    }
  });
});
