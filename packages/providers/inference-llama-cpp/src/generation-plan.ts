import { InvalidRequestError, UnsupportedError } from '@stack/core';
import type { ChatCompletionRequest } from '@stack/inference-api';
import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import { toGrammarJsonSchema } from './json-schema-grammar.js';

interface FunctionTool {
  name: string;
  description?: string;
  parameters: GbnfJsonSchema;
}

/**
 * How a chat request is generated:
 * - `text`: free text, or JSON under a grammar when `response_format` asks for it;
 * - `functions`: the model may call a tool in its chat template's own syntax (`tool_choice: auto`);
 * - `forced-call`: a grammar makes the whole answer one call, `{"name", "arguments"}` when the
 *   model must pick a tool (`required`), or the arguments alone when the tool is named.
 */
export type GenerationPlan =
  | { kind: 'text'; json?: { schema?: GbnfJsonSchema } }
  | { kind: 'functions'; functions: ChatModelFunctions }
  | { kind: 'forced-call'; schema: GbnfJsonSchema; functionName?: string; instructions: string };

type ToolChoice = ChatCompletionRequest['tool_choice'];

function functionTools(request: ChatCompletionRequest): FunctionTool[] {
  const fromTools = (request.tools ?? []).map((tool, index) => {
    if (tool.type !== 'function') {
      throw new UnsupportedError(`Only function tools are supported, not '${tool.type}' tools.`, { param: `tools[${index}]` });
    }
    const { name, description, parameters } = tool.function;
    return {
      name,
      ...(description ? { description } : {}),
      parameters: toGrammarJsonSchema(parameters ?? { type: 'object', properties: {} }, `tools[${index}].function.parameters`),
    };
  });
  // The deprecated `functions` field, for old clients.
  const fromFunctions = (request.functions ?? []).map((definition, index) => ({
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    parameters: toGrammarJsonSchema(definition.parameters ?? { type: 'object', properties: {} }, `functions[${index}].parameters`),
  }));
  return [...fromTools, ...fromFunctions];
}

function normalizedChoice(request: ChatCompletionRequest, tools: FunctionTool[]): { mode: 'none' | 'auto' | 'required'; names?: string[] } {
  const choice: ToolChoice | undefined =
    request.tool_choice ??
    (request.function_call === undefined || request.function_call === null
      ? undefined
      : typeof request.function_call === 'string'
        ? request.function_call
        : { type: 'function', function: { name: request.function_call.name } });
  if (choice === undefined || choice === null) return { mode: tools.length > 0 ? 'auto' : 'none' };
  if (typeof choice === 'string') return { mode: choice };
  if (choice.type === 'function') return { mode: 'required', names: [choice.function.name] };
  if (choice.type === 'allowed_tools') {
    const names = choice.allowed_tools.tools.map((tool) => {
      const named = tool as { function?: { name?: unknown }; name?: unknown };
      return String(named.function?.name ?? named.name ?? '');
    });
    return { mode: choice.allowed_tools.mode, names };
  }
  throw new UnsupportedError(`Only function tools are supported, not '${choice.type}' tools.`, { param: 'tool_choice' });
}

function describeTools(tools: FunctionTool[]): string {
  return tools
    .map((tool) => `- ${tool.name}${tool.description ? `: ${tool.description}` : ''}\n  parameters: ${JSON.stringify(tool.parameters)}`)
    .join('\n');
}

export function planGeneration(request: ChatCompletionRequest): GenerationPlan {
  const allTools = functionTools(request);
  const choice = normalizedChoice(request, allTools);
  const tools = choice.names ? allTools.filter((tool) => choice.names!.includes(tool.name)) : allTools;
  for (const name of choice.names ?? []) {
    if (!allTools.some((tool) => tool.name === name)) {
      throw new InvalidRequestError(`tool_choice names '${name}', which is not among the request's tools.`, { param: 'tool_choice' });
    }
  }
  if (choice.mode === 'required' && tools.length === 0) {
    throw new InvalidRequestError("tool_choice 'required' needs at least one function tool.", { param: 'tool_choice' });
  }

  const format = request.response_format;
  const wantsJson = format?.type === 'json_object' || format?.type === 'json_schema';

  if (choice.mode === 'required') {
    if (tools.length === 1) {
      const [tool] = tools;
      return {
        kind: 'forced-call',
        schema: tool.parameters,
        functionName: tool.name,
        instructions: `Call the function ${tool.name} by answering with its arguments as a JSON object.\n${describeTools(tools)}`,
      };
    }
    return {
      kind: 'forced-call',
      schema: {
        oneOf: tools.map((tool) => ({
          type: 'object',
          properties: { name: { const: tool.name }, arguments: tool.parameters },
          required: ['name', 'arguments'],
          additionalProperties: false,
        })),
      } as GbnfJsonSchema,
      instructions: `Call one of these functions by answering with a JSON object {"name": …, "arguments": {…}}:\n${describeTools(tools)}`,
    };
  }

  if (choice.mode === 'auto' && tools.length > 0) {
    if (wantsJson) {
      // llama.cpp constrains one grammar at a time: free tool calls and a JSON answer cannot both hold.
      throw new InvalidRequestError("response_format cannot be combined with tool_choice 'auto' here; use tool_choice 'none' or 'required'.", {
        param: 'response_format',
      });
    }
    const functions: Record<string, { description?: string; params?: GbnfJsonSchema }> = {};
    for (const tool of tools) functions[tool.name] = { ...(tool.description ? { description: tool.description } : {}), params: tool.parameters };
    return { kind: 'functions', functions };
  }

  if (format?.type === 'json_schema') {
    const schema = format.json_schema.schema;
    return { kind: 'text', json: schema ? { schema: toGrammarJsonSchema(schema, 'response_format.json_schema.schema') } : {} };
  }
  if (format?.type === 'json_object') return { kind: 'text', json: {} };
  return { kind: 'text' };
}
