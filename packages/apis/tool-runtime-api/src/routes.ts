import { defineRoute, type RouteDefinition } from '@stack/core';
import {
  invokeToolRequestSchema,
  listRuntimeToolsQuerySchema,
  listToolDefsResponseSchema,
  listToolGroupsResponseSchema,
  listToolsQuerySchema,
  registerToolGroupRequestSchema,
  toolDefSchema,
  toolGroupIdPathSchema,
  toolGroupSchema,
  toolInvocationResultSchema,
  toolNamePathSchema,
} from './schemas.js';
import type { ToolGroupsApi, ToolRuntimeApi } from './tool-runtime-api.js';

export const toolGroupsRoutes: RouteDefinition<ToolGroupsApi>[] = [
  defineRoute<ToolGroupsApi>({
    api: 'tool_groups',
    operationId: 'listToolGroups',
    method: 'GET',
    path: '/v1/toolgroups',
    summary: 'List tool groups with optional provider.',
    response: listToolGroupsResponseSchema,
    handler: (impl, _input, context) => impl.listToolGroups(context),
  }),
  defineRoute<ToolGroupsApi, typeof toolGroupIdPathSchema>({
    api: 'tool_groups',
    operationId: 'getToolGroup',
    method: 'GET',
    path: '/v1/toolgroups/{toolgroup_id}',
    summary: 'Get a tool group by its ID.',
    pathParams: toolGroupIdPathSchema,
    response: toolGroupSchema,
    handler: (impl, input, context) => impl.getToolGroup(input.path.toolgroup_id, context),
  }),
  defineRoute<ToolGroupsApi, undefined, undefined, typeof registerToolGroupRequestSchema>({
    api: 'tool_groups',
    operationId: 'registerToolGroup',
    method: 'POST',
    path: '/v1/toolgroups',
    summary: 'Register a tool group.',
    deprecated: true,
    body: registerToolGroupRequestSchema,
    handler: async (impl, input, context) => {
      await impl.registerToolGroup(input.body, context);
      return undefined;
    },
  }),
  defineRoute<ToolGroupsApi, typeof toolGroupIdPathSchema>({
    api: 'tool_groups',
    operationId: 'unregisterToolGroup',
    method: 'DELETE',
    path: '/v1/toolgroups/{toolgroup_id}',
    summary: 'Unregister a tool group.',
    deprecated: true,
    pathParams: toolGroupIdPathSchema,
    handler: async (impl, input, context) => {
      await impl.unregisterToolGroup(input.path.toolgroup_id, context);
      return undefined;
    },
  }),
  defineRoute<ToolGroupsApi, undefined, typeof listToolsQuerySchema>({
    api: 'tool_groups',
    operationId: 'listTools',
    method: 'GET',
    path: '/v1/tools',
    summary: 'List tools with optional tool group.',
    query: listToolsQuerySchema,
    response: listToolDefsResponseSchema,
    handler: (impl, input, context) => impl.listTools(input.query.toolgroup_id, context),
  }),
  defineRoute<ToolGroupsApi, typeof toolNamePathSchema>({
    api: 'tool_groups',
    operationId: 'getTool',
    method: 'GET',
    path: '/v1/tools/{tool_name}',
    summary: 'Get a tool by its name.',
    pathParams: toolNamePathSchema,
    response: toolDefSchema,
    handler: (impl, input, context) => impl.getTool(input.path.tool_name, context),
  }),
];

export const toolRuntimeRoutes: RouteDefinition<ToolRuntimeApi>[] = [
  defineRoute<ToolRuntimeApi, undefined, typeof listRuntimeToolsQuerySchema>({
    api: 'tool_runtime',
    operationId: 'listRuntimeTools',
    method: 'GET',
    path: '/v1/tool-runtime/list-tools',
    summary: 'List all tools in the runtime.',
    query: listRuntimeToolsQuerySchema,
    response: listToolDefsResponseSchema,
    handler: (impl, input, context) => impl.listRuntimeTools(input.query, context),
  }),
  defineRoute<ToolRuntimeApi, undefined, undefined, typeof invokeToolRequestSchema>({
    api: 'tool_runtime',
    operationId: 'invokeTool',
    method: 'POST',
    path: '/v1/tool-runtime/invoke',
    summary: 'Run a tool with the given arguments.',
    body: invokeToolRequestSchema,
    response: toolInvocationResultSchema,
    handler: (impl, input, context) => impl.invokeTool(input.body, context),
  }),
];
