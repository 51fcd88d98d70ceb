import { InvalidRequestError, UnsupportedError } from '@stack/core';
import type { ChatCompletionMessageParam } from '@stack/inference-api';
import type { ChatHistoryItem, ChatModelFunctionCall } from 'node-llama-cpp';

type TextContent = string | ReadonlyArray<{ type: string; text?: string; refusal?: string }> | null | undefined;

function textOf(content: TextContent, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (part.type === 'text') return part.text ?? '';
      if (part.type === 'refusal') return part.refusal ?? '';
      throw new UnsupportedError(`llama.cpp models here take text only; '${part.type}' content parts are not supported.`, {
        param: `${param}[${index}]`,
      });
    })
    .join('');
}

function parseArguments(text: string, param: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(`${param} is not valid JSON.`, { param, cause: error });
  }
}

/**
 * Maps OpenAI messages onto node-llama-cpp's chat history, which the model's chat template then
 * renders. An assistant's tool calls become function-call items, and each `tool` message's content
 * becomes the result of the call it answers, as the templates expect. The history ends with an
 * empty model turn for the model to fill.
 */
export function toChatHistory(messages: readonly ChatCompletionMessageParam[], extraSystemText?: string): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const callsById = new Map<string, ChatModelFunctionCall>();
  const unansweredByName = new Map<string, ChatModelFunctionCall[]>();

  if (extraSystemText) history.push({ type: 'system', text: extraSystemText });

  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text: textOf(message.content, `${param}.content`) });
        break;
      case 'user':
        history.push({ type: 'user', text: textOf(message.content as TextContent, `${param}.content`) });
        break;
      case 'assistant': {
        const response: Array<string | ChatModelFunctionCall> = [];
        const text = textOf(message.content, `${param}.content`);
        if (text) response.push(text);
        const calls = [
          ...(message.tool_calls ?? []).map((call, callIndex) => {
            if (call.type !== 'function') {
              throw new UnsupportedError('Only function tool calls are supported.', { param: `${param}.tool_calls[${callIndex}]` });
            }
            return { id: call.id, name: call.function.name, arguments: call.function.arguments, param: `${param}.tool_calls[${callIndex}].function.arguments` };
          }),
          ...(message.function_call
            ? [{ id: undefined, name: message.function_call.name, arguments: message.function_call.arguments, param: `${param}.function_call.arguments` }]
            : []),
        ];
        for (const [callIndex, call] of calls.entries()) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.name,
            params: parseArguments(call.arguments, call.param),
            result: undefined,
            startsNewChunk: callIndex === 0,
          };
          if (call.id !== undefined) callsById.set(call.id, item);
          unansweredByName.set(call.name, [...(unansweredByName.get(call.name) ?? []), item]);
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = callsById.get(message.tool_call_id);
        if (!call) {
          throw new InvalidRequestError(`No earlier assistant tool call has the id '${message.tool_call_id}'.`, { param: `${param}.tool_call_id` });
        }
        call.result = textOf(message.content, `${param}.content`);
        callsById.delete(message.tool_call_id);
        unansweredByName.set(call.name, (unansweredByName.get(call.name) ?? []).filter((pending) => pending !== call));
        break;
      }
      case 'function': {
        const pending = unansweredByName.get(message.name) ?? [];
        const call = pending.shift();
        if (!call) {
          throw new InvalidRequestError(`No earlier assistant function call is named '${message.name}'.`, { param: `${param}.name` });
        }
        call.result = message.content ?? '';
        break;
      }
    }
  }

  history.push({ type: 'model', response: [] });
  return history;
}
