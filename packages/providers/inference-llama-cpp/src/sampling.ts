import { InvalidRequestError, StackError, UnsupportedError, UpstreamError } from '@stack/core';
import type { LLamaContextualRepeatPenalty } from 'node-llama-cpp';

/** The OpenAI sampling fields chat completions and completions share. */
export interface SamplingFields {
  temperature?: number | null;
  top_p?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  n?: number | null;
}

export interface SamplingOptions {
  temperature: number;
  topP?: number;
  seed?: number;
  customStopTriggers?: string[];
  repeatPenalty?: LLamaContextualRepeatPenalty;
}

/** OpenAI's default temperature; llama.cpp's own default (0, greedy) would change what clients get. */
const defaultTemperature = 1;

export function samplingOptions(fields: SamplingFields): SamplingOptions {
  if (fields.n !== undefined && fields.n !== null && fields.n > 1) {
    throw new UnsupportedError('inline::llama-cpp generates one choice per request; n must be 1.', { param: 'n' });
  }
  const stops = fields.stop === undefined || fields.stop === null ? [] : (typeof fields.stop === 'string' ? [fields.stop] : fields.stop).filter((stop) => stop !== '');
  const frequency = fields.frequency_penalty ?? 0;
  const presence = fields.presence_penalty ?? 0;
  return {
    temperature: fields.temperature ?? defaultTemperature,
    ...(fields.top_p !== undefined && fields.top_p !== null ? { topP: fields.top_p } : {}),
    ...(fields.seed !== undefined && fields.seed !== null ? { seed: fields.seed } : {}),
    ...(stops.length > 0 ? { customStopTriggers: stops } : {}),
    // OpenAI's penalties subtract from logits as llama.cpp's do; the multiplicative penalty stays off.
    ...(frequency !== 0 || presence !== 0 ? { repeatPenalty: { penalty: 1, frequencyPenalty: frequency, presencePenalty: presence } } : {}),
  };
}

/**
 * How many tokens may be generated: what was asked for, never more than the context has left.
 * Without a limit, generation could otherwise run on through context shifts indefinitely.
 */
export function generationBudget(requested: number | null | undefined, promptTokens: number, contextSize: number): number {
  const remaining = contextSize - promptTokens;
  if (remaining <= 0) {
    throw new InvalidRequestError(`The prompt is ${promptTokens} tokens; the model's context holds ${contextSize}.`, {
      code: 'context_length_exceeded',
      param: 'messages',
    });
  }
  return requested === undefined || requested === null ? remaining : Math.min(requested, remaining);
}

/** llama.cpp's stop reasons as OpenAI finish reasons. */
export function finishReasonOf(stopReason: string): 'stop' | 'length' | 'tool_calls' {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  return 'stop';
}

/**
 * Errors from the closed set and aborts pass through (an abort is the client leaving, not a
 * failure); anything else from llama.cpp becomes an UpstreamError that keeps its cause.
 */
export function toProviderError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (StackError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(`llama.cpp failed: ${message}`, { cause: error });
}
