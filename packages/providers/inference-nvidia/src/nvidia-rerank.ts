import { InvalidRequestError } from '@stack/core';
import type { RerankInput, RerankRequest, RerankResponse } from '@stack/inference-api';

/** The body of NVIDIA's reranking API (`POST /v1/ranking` on a NIM, per-model URLs when hosted). */
export interface NVIDIARankingRequest {
  model: string;
  query: { text: string };
  passages: Array<{ text: string }>;
}

export interface NVIDIARankingResponse {
  /** Passages by descending relevance; `logit` is the raw score. */
  rankings?: Array<{ index?: unknown; logit?: unknown }>;
}

function textOf(name: string, input: RerankInput, param: 'query' | 'items'): string {
  if (typeof input === 'string') return input;
  if (input.type === 'text') return input.text;
  throw new InvalidRequestError(`${name}: NVIDIA's reranking API ranks text only; \`${param}\` holds an image.`, {
    code: 'unsupported_content',
    param,
  });
}

export function toNVIDIARankingRequest(name: string, request: RerankRequest): NVIDIARankingRequest {
  return {
    model: request.model,
    query: { text: textOf(name, request.query, 'query') },
    passages: request.items.map((item) => ({ text: textOf(name, item, 'items') })),
  };
}

/** Scores become `relevance_score`, most relevant first, cut to `max_num_results`. */
export function fromNVIDIARankingResponse(response: NVIDIARankingResponse, request: RerankRequest): RerankResponse {
  const data = (response.rankings ?? [])
    .filter((ranking): ranking is { index: number; logit: number } => typeof ranking.index === 'number' && typeof ranking.logit === 'number')
    .map((ranking) => ({ index: ranking.index, relevance_score: ranking.logit }))
    .sort((left, right) => right.relevance_score - left.relevance_score);
  return { data: request.max_num_results ? data.slice(0, request.max_num_results) : data };
}
