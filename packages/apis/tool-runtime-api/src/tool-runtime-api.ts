import type { RequestContext } from '@stack/core';
import type { ListRuntimeToolsRequest, ListToolDefsResponse, RegisterToolGroupRequest, ToolDef, ToolGroup, ToolInvocationResult } from './schemas.js';

/** Tool groups: registered resources naming the tool-runtime provider that serves their tools. */
export interface ToolGroupsApi {
  listToolGroups(context?: RequestContext): Promise<{ data: ToolGroup[] }>;
  getToolGroup(toolGroupId: string, context?: RequestContext): Promise<ToolGroup>;
  /** Tools of every group, or of one group. */
  listTools(toolGroupId?: string, context?: RequestContext): Promise<ListToolDefsResponse>;
  getTool(toolName: string, context?: RequestContext): Promise<ToolDef>;
  /** Deprecated in the reference, still served. */
  registerToolGroup(request: RegisterToolGroupRequest, context?: RequestContext): Promise<void>;
  unregisterToolGroup(toolGroupId: string, context?: RequestContext): Promise<void>;
}

/** Runs tools: the router finds the provider serving a tool by the tool's group. */
export interface ToolRuntimeApi {
  listRuntimeTools(request?: ListRuntimeToolsRequest, context?: RequestContext): Promise<ListToolDefsResponse>;
  invokeTool(request: { tool_name: string; kwargs: Record<string, unknown> }, context?: RequestContext): Promise<ToolInvocationResult>;
}

/**
 * What a tool-runtime provider's `create` returns. A provider serves the tool groups registered
 * with its `provider_id` (e.g. `builtin::rag` for `inline::rag-runtime`).
 */
export interface ToolRuntimeProvider {
  /** The tools of one of this provider's groups (`toolGroup.args` / `mcp_endpoint` as registered). */
  listRuntimeTools(toolGroup: ToolGroup, context?: RequestContext): Promise<ToolDef[]>;
  /**
   * Runs a tool of one of this provider's groups. Tool failures the caller should see (bad
   * arguments, nothing found) come back as `error_message`/`error_code`; broken configuration
   * and outside services failing throw from the closed error set.
   */
  invokeTool(toolGroup: ToolGroup, request: { tool_name: string; kwargs: Record<string, unknown> }, context?: RequestContext): Promise<ToolInvocationResult>;
}
