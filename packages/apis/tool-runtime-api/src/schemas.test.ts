import { describe, expect, it } from 'vitest';
import { toolGroupsRoutes, toolRuntimeRoutes } from './routes.js';
import { invokeToolRequestSchema, listRuntimeToolsQuerySchema, registerToolGroupRequestSchema } from './schemas.js';

describe('tool runtime schemas', () => {
  it('reads the MCP endpoint in bracket, object and plain forms', () => {
    expect(listRuntimeToolsQuerySchema.parse({ 'mcp_endpoint[uri]': 'http://mcp/sse' })).toEqual({ mcp_endpoint: { uri: 'http://mcp/sse' } });
    expect(listRuntimeToolsQuerySchema.parse({ mcp_endpoint: 'http://mcp/sse', tool_group_id: 'g' })).toEqual({ mcp_endpoint: { uri: 'http://mcp/sse' }, tool_group_id: 'g' });
    expect(listRuntimeToolsQuerySchema.parse({ mcp_endpoint: { uri: 'http://x' } })).toEqual({ mcp_endpoint: { uri: 'http://x' } });
    expect(listRuntimeToolsQuerySchema.safeParse({ tool_group_id: '' }).success).toBe(false);
  });

  it('defaults invoke kwargs and requires a tool name', () => {
    expect(invokeToolRequestSchema.parse({ tool_name: 'knowledge_search' })).toEqual({ tool_name: 'knowledge_search', kwargs: {} });
    expect(invokeToolRequestSchema.safeParse({ kwargs: {} }).success).toBe(false);
    expect(registerToolGroupRequestSchema.safeParse({ toolgroup_id: 'g' }).success).toBe(false);
  });

  it('serves the reference tool group and tool runtime routes', () => {
    expect(toolGroupsRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'DELETE /v1/toolgroups/{toolgroup_id}',
      'GET /v1/toolgroups',
      'GET /v1/toolgroups/{toolgroup_id}',
      'GET /v1/tools',
      'GET /v1/tools/{tool_name}',
      'POST /v1/toolgroups',
    ]);
    expect(toolGroupsRoutes.filter((route) => route.deprecated).map((route) => route.method).sort()).toEqual(['DELETE', 'POST']);
    expect(toolRuntimeRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(['GET /v1/tool-runtime/list-tools', 'POST /v1/tool-runtime/invoke']);
  });
});
