import { randomUUID } from 'node:crypto';
import { InvalidRequestError, UnsupportedError } from '@stack/core';
import type { ChatCompletionRequest } from '@stack/inference-api';
import type { ChatHistoryItem, GbnfJsonSchema, LlamaGrammar } from 'node-llama-cpp';
import { toChatHistory } from './chat-history.js';
import { planGeneration, type GenerationPlan } from './generation-plan.js';
import type { LoadedTextModel } from './llama-cpp-runtime.js';
import { finishReasonOf, generationBudget, samplingOptions, type SamplingOptions } from './sampling.js';

// Type aliases rather than interfaces: they fit the response schemas' open (indexed) object types.
export type ToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
};

export interface ChatGenerationResult {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: Usage;
}

export interface ChatGenerationEvents {
  /** A piece of the answer's text, as it is generated. */
  onText?(text: string): void;
  /** A finished tool call, in the order the model made them. */
  onToolCall?(call: ToolCall, index: number): void;
}

/** A chat request checked and translated before it waits for the model. */
export interface PreparedChat {
  plan: GenerationPlan;
  history: ChatHistoryItem[];
  sampling: SamplingOptions;
  maxTokens: number | undefined;
}

export function prepareChat(request: ChatCompletionRequest): PreparedChat {
  if (request.logprobs) throw new UnsupportedError('inline::llama-cpp does not return logprobs.', { param: 'logprobs' });
  const plan = planGeneration(request);
  return {
    plan,
    history: toChatHistory(request.messages, plan.kind === 'forced-call' ? plan.instructions : undefined),
    sampling: samplingOptions(request),
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
  };
}

export function toolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

async function grammarFor(loaded: LoadedTextModel, plan: GenerationPlan): Promise<LlamaGrammar | undefined> {
  const llama = loaded.model.llama;
  // The method's type infers a literal schema for typed results; ours is only known at run time.
  const fromSchema = (schema: GbnfJsonSchema) => llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0]);
  try {
    if (plan.kind === 'forced-call') return await fromSchema(plan.schema);
    if (plan.kind === 'text' && plan.json) {
      return plan.json.schema ? await fromSchema(plan.json.schema) : await llama.getGrammarFor('json');
    }
  } catch (error) {
    const param = plan.kind === 'forced-call' ? 'tools' : 'response_format';
    throw new InvalidRequestError(`The JSON Schema cannot be turned into a llama.cpp grammar: ${error instanceof Error ? error.message : String(error)}`, {
      param,
      cause: error,
    });
  }
  return undefined;
}

/** Turns a forced call's grammar-constrained JSON into a tool call, when it is complete. */
function forcedCall(plan: Extract<GenerationPlan, { kind: 'forced-call' }>, text: string): ToolCall | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (plan.functionName !== undefined) {
    return { id: toolCallId(), type: 'function', function: { name: plan.functionName, arguments: JSON.stringify(parsed) } };
  }
  const { name, arguments: args } = parsed as { name: string; arguments: unknown };
  return { id: toolCallId(), type: 'function', function: { name, arguments: JSON.stringify(args) } };
}

/**
 * Generates one chat answer on a loaded model. The caller holds the model's lock. Text is
 * reported as it comes, except for forced tool calls, whose JSON is only a call once complete.
 */
export async function generateChat(
  loaded: LoadedTextModel,
  prepared: PreparedChat,
  signal: AbortSignal,
  events: ChatGenerationEvents = {},
): Promise<ChatGenerationResult> {
  const { plan, history, sampling } = prepared;
  const functions = plan.kind === 'functions' ? plan.functions : undefined;
  const rendered = loaded.chat.chatWrapper.generateContextState({ chatHistory: history, availableFunctions: functions, documentFunctionParams: true });
  const promptTokens = rendered.contextText.tokenize(loaded.model.tokenizer).length;
  const maxTokens = generationBudget(prepared.maxTokens, promptTokens, loaded.contextSize);
  const grammar = await grammarFor(loaded, plan);

  const meterBefore = loaded.sequence.tokenMeter.getState();
  const toolCalls: ToolCall[] = [];
  const streamText = plan.kind !== 'forced-call' && events.onText ? (text: string) => events.onText!(text) : undefined;
  const common = { ...sampling, maxTokens, signal, stopOnAbortSignal: false, onTextChunk: streamText };
  const response = functions
    ? await loaded.chat.generateResponse(history, {
        ...common,
        functions,
        documentFunctionParams: true,
        onFunctionCall: (call) => {
          const toolCall: ToolCall = { id: toolCallId(), type: 'function', function: { name: call.functionName, arguments: JSON.stringify(call.params ?? {}) } };
          toolCalls.push(toolCall);
          events.onToolCall?.(toolCall, toolCalls.length - 1);
        },
      })
    : await loaded.chat.generateResponse(history, { ...common, ...(grammar ? { grammar } : {}) });
  const completionTokens = loaded.sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };

  // Calls seen only in the final response (a template that reports them at the end).
  for (const call of response.functionCalls ?? []) {
    if (toolCalls.some((seen) => seen.function.name === call.functionName && seen.function.arguments === JSON.stringify(call.params ?? {}))) continue;
    const toolCall: ToolCall = { id: toolCallId(), type: 'function', function: { name: call.functionName, arguments: JSON.stringify(call.params ?? {}) } };
    toolCalls.push(toolCall);
    events.onToolCall?.(toolCall, toolCalls.length - 1);
  }

  const finishReason = finishReasonOf(response.metadata.stopReason);
  if (plan.kind === 'forced-call') {
    const call = forcedCall(plan, response.response);
    if (call) {
      events.onToolCall?.(call, 0);
      return { content: null, toolCalls: [call], finishReason: 'tool_calls', usage };
    }
    // Cut off by max_tokens before the JSON closed: what there is goes back as text, as `length`.
    events.onText?.(response.response);
    return { content: response.response, toolCalls: [], finishReason, usage };
  }
  return {
    content: toolCalls.length > 0 && response.response === '' ? null : response.response,
    toolCalls,
    finishReason: toolCalls.length > 0 ? 'tool_calls' : finishReason,
    usage,
  };
}
