import type { Distribution, ProviderSpec } from '@stack/core';
import { starterDistribution } from '@stack/distribution-starter';
import { providerSpec as localEmbeddings } from '@stack/inference-local-embeddings';
import { providerSpec as ollama } from '@stack/inference-ollama';
import { providerSpec as openai } from '@stack/inference-openai';
import { providerSpec as vllm } from '@stack/inference-vllm';

/**
 * The composition root's knowledge: every provider package and distribution this server can
 * run. A run.yaml may name any of these provider types.
 */
export const knownProviderSpecs: readonly ProviderSpec[] = [vllm, ollama, openai, localEmbeddings];

export const knownDistributions: Readonly<Record<string, Distribution>> = {
  starter: starterDistribution,
};
