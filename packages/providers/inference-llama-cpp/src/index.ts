import { defineProvider } from '@stack/core';
import type { InferenceProvider } from '@stack/inference-api';
import { llamaCppConfigSchema } from './llama-cpp-config.js';
import { createLlamaCppInferenceProvider } from './llama-cpp-provider.js';

export const providerSpec = defineProvider({
  api: 'inference',
  providerType: 'inline::llama-cpp',
  description: 'GGUF models run in process with llama.cpp: chat, completions, JSON-schema output, tool calls and embeddings.',
  configSchema: llamaCppConfigSchema,
  create(config, deps): InferenceProvider {
    return createLlamaCppInferenceProvider(config, { providerId: deps.providerId, logger: deps.logger });
  },
});

export {
  defaultContextCap,
  expandHome,
  llamaCppConfigSchema,
  llamaCppModelConfigSchema,
  type LlamaCppConfig,
  type LlamaCppModelConfig,
} from './llama-cpp-config.js';
export { createLlamaCppInferenceProvider, type LlamaCppProvider, type LlamaCppProviderOptions } from './llama-cpp-provider.js';
export { toGrammarJsonSchema } from './json-schema-grammar.js';
