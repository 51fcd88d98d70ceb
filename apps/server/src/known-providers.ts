import type { Distribution, ProviderSpec } from '@stack/core';
import { starterDistribution } from '@stack/distribution-starter';
import { providerSpec as localFs } from '@stack/files-localfs';
import { providerSpec as s3Files } from '@stack/files-s3';
import { providerSpec as anthropic } from '@stack/inference-anthropic';
import { providerSpec as azure } from '@stack/inference-azure';
import { providerSpec as bedrock } from '@stack/inference-bedrock';
import { providerSpec as cerebras } from '@stack/inference-cerebras';
import { providerSpec as databricks } from '@stack/inference-databricks';
import { providerSpec as fireworks } from '@stack/inference-fireworks';
import { providerSpec as gemini } from '@stack/inference-gemini';
import { providerSpec as groq } from '@stack/inference-groq';
import { endpointProviderSpec as huggingfaceEndpoint, serverlessProviderSpec as huggingfaceServerless } from '@stack/inference-huggingface';
import { providerSpec as llamaCpp } from '@stack/inference-llama-cpp';
import { providerSpec as llamaOpenaiCompat } from '@stack/inference-llama-openai-compat';
import { providerSpec as localEmbeddings } from '@stack/inference-local-embeddings';
import { providerSpec as nvidia } from '@stack/inference-nvidia';
import { providerSpec as ollama } from '@stack/inference-ollama';
import { providerSpec as openai } from '@stack/inference-openai';
import { providerSpec as passthrough } from '@stack/inference-passthrough';
import { providerSpec as runpod } from '@stack/inference-runpod';
import { providerSpec as sambanova } from '@stack/inference-sambanova';
import { providerSpec as tgi } from '@stack/inference-tgi';
import { providerSpec as together } from '@stack/inference-together';
import { providerSpec as vertexai } from '@stack/inference-vertexai';
import { providerSpec as vllm } from '@stack/inference-vllm';
import { providerSpec as watsonx } from '@stack/inference-watsonx';
import { providerSpec as ragRuntime } from '@stack/tool-runtime-rag';
import { providerSpec as faiss } from '@stack/vector-io-faiss';
import { providerSpec as pgvector } from '@stack/vector-io-pgvector';
import { providerSpec as sqliteVec } from '@stack/vector-io-sqlite-vec';

/**
 * The composition root's knowledge: every provider package and distribution this server can
 * run. A run.yaml may name any of these provider types.
 */
export const knownProviderSpecs: readonly ProviderSpec[] = [
  // Remote inference, in the order of the reference registry's common ones first.
  vllm,
  ollama,
  openai,
  azure,
  tgi,
  huggingfaceServerless,
  huggingfaceEndpoint,
  together,
  fireworks,
  groq,
  cerebras,
  sambanova,
  nvidia,
  databricks,
  runpod,
  llamaOpenaiCompat,
  gemini,
  anthropic,
  bedrock,
  vertexai,
  watsonx,
  passthrough,
  // Inline inference.
  llamaCpp,
  localEmbeddings,
  // Vector IO.
  sqliteVec,
  faiss,
  pgvector,
  // Files.
  localFs,
  s3Files,
  // Tool runtime.
  ragRuntime,
];

export const knownDistributions: Readonly<Record<string, Distribution>> = {
  starter: starterDistribution,
};
