import { ConfigurationError, InvalidRequestError, NotFoundError, type RequestContext, type Resource, type ResourceRegistry } from '@stack/core';
import type {
  ListRuntimeToolsRequest,
  ListToolDefsResponse,
  RegisterToolGroupRequest,
  ToolDef,
  ToolGroup,
  ToolGroupsApi,
  ToolInvocationResult,
  ToolRuntimeApi,
  ToolRuntimeProvider,
} from '@stack/tool-runtime-api';

export interface ToolGroupResource extends Resource {
  type: 'tool_group';
  mcp_endpoint?: { uri: string } | undefined;
  args?: Record<string, unknown> | undefined;
}

/** The provider type that lists tools of an arbitrary MCP endpoint (`list-tools?mcp_endpoint=…`). */
const MCP_PROVIDER_TYPE = 'remote::model-context-protocol';

/**
 * Tool groups (registered resources) and the tool runtime: a tool is found through its group,
 * whose provider lists and runs it.
 */
export class ToolsRouter implements ToolGroupsApi, ToolRuntimeApi {
  /** Tool name → group id, learned from listings; refreshed when a name is not found. */
  private readonly toolIndex = new Map<string, string>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly providers: ReadonlyMap<string, { providerType: string; instance: ToolRuntimeProvider }>,
  ) {}

  async listToolGroups(): Promise<{ data: ToolGroup[] }> {
    const groups = await this.registry.list<ToolGroupResource>('tool_group');
    return { data: groups.map(toToolGroup) };
  }

  async getToolGroup(toolGroupId: string): Promise<ToolGroup> {
    return toToolGroup(await this.registry.require<ToolGroupResource>('tool_group', toolGroupId, 'Tool group'));
  }

  async registerToolGroup(request: RegisterToolGroupRequest, context?: RequestContext): Promise<void> {
    if (!this.providers.has(request.provider_id)) {
      throw new InvalidRequestError(`Unknown tool-runtime provider '${request.provider_id}'. Known: ${[...this.providers.keys()].join(', ') || '(none)'}.`, {
        param: 'provider_id',
      });
    }
    await this.registry.register<ToolGroupResource>({
      type: 'tool_group',
      identifier: request.toolgroup_id,
      provider_id: request.provider_id,
      provider_resource_id: request.toolgroup_id,
      mcp_endpoint: request.mcp_endpoint,
      args: request.args,
      owner: context?.user,
      source: 'api',
    });
  }

  async unregisterToolGroup(toolGroupId: string): Promise<void> {
    await this.registry.require('tool_group', toolGroupId, 'Tool group');
    await this.registry.unregister('tool_group', toolGroupId);
    for (const [name, group] of this.toolIndex) if (group === toolGroupId) this.toolIndex.delete(name);
  }

  async listTools(toolGroupId?: string, context?: RequestContext): Promise<ListToolDefsResponse> {
    const groups = toolGroupId ? [await this.getToolGroup(toolGroupId)] : (await this.listToolGroups()).data;
    const lists = await Promise.all(groups.map((group) => this.toolsOf(group, context)));
    return { data: lists.flat() };
  }

  async getTool(toolName: string, context?: RequestContext): Promise<ToolDef> {
    const found = await this.findTool(toolName, context);
    return found.tool;
  }

  async listRuntimeTools(request: ListRuntimeToolsRequest = {}, context?: RequestContext): Promise<ListToolDefsResponse> {
    if (request.tool_group_id) return this.listTools(request.tool_group_id, context);
    if (request.mcp_endpoint) {
      const mcp = [...this.providers.entries()].find(([, provider]) => provider.providerType === MCP_PROVIDER_TYPE);
      if (!mcp) {
        throw new InvalidRequestError(`Listing tools of an MCP endpoint needs a ${MCP_PROVIDER_TYPE} tool-runtime provider, and this stack has none.`, {
          param: 'mcp_endpoint',
        });
      }
      const group: ToolGroup = {
        identifier: `mcp::${request.mcp_endpoint.uri}`,
        provider_id: mcp[0],
        provider_resource_id: request.mcp_endpoint.uri,
        type: 'tool_group',
        mcp_endpoint: request.mcp_endpoint,
      };
      return { data: await mcp[1].instance.listRuntimeTools(group, context) };
    }
    return this.listTools(undefined, context);
  }

  async invokeTool(request: { tool_name: string; kwargs: Record<string, unknown> }, context?: RequestContext): Promise<ToolInvocationResult> {
    const { group } = await this.findTool(request.tool_name, context);
    return this.providerOf(group).invokeTool(group, request, context);
  }

  /** Registers the run config's `registered_resources.tool_groups`. */
  async registerConfiguredGroups(entries: readonly Record<string, unknown>[]): Promise<void> {
    for (const [index, entry] of entries.entries()) {
      const toolGroupId = entry.toolgroup_id;
      const providerId = entry.provider_id;
      if (typeof toolGroupId !== 'string' || typeof providerId !== 'string') {
        throw new ConfigurationError(`registered_resources.tool_groups[${index}]: 'toolgroup_id' and 'provider_id' are required.`);
      }
      if (!this.providers.has(providerId)) {
        throw new ConfigurationError(
          `registered_resources.tool_groups[${index}]: tool group '${toolGroupId}' names provider '${providerId}', which is not a tool_runtime provider of this configuration.`,
        );
      }
      await this.registry.put<ToolGroupResource>({
        type: 'tool_group',
        identifier: toolGroupId,
        provider_id: providerId,
        provider_resource_id: toolGroupId,
        mcp_endpoint: isUrl(entry.mcp_endpoint) ? entry.mcp_endpoint : undefined,
        args: isRecord(entry.args) ? entry.args : undefined,
        source: 'run_config',
      });
    }
  }

  private async toolsOf(group: ToolGroup, context?: RequestContext): Promise<ToolDef[]> {
    const tools = await this.providerOf(group).listRuntimeTools(group, context);
    return tools.map((tool) => {
      this.toolIndex.set(tool.name, group.identifier);
      return { ...tool, toolgroup_id: group.identifier };
    });
  }

  private async findTool(toolName: string, context?: RequestContext): Promise<{ group: ToolGroup; tool: ToolDef }> {
    const known = this.toolIndex.get(toolName);
    if (known) {
      const resource = await this.registry.get<ToolGroupResource>('tool_group', known);
      if (resource) {
        const group = toToolGroup(resource);
        const tool = (await this.toolsOf(group, context)).find((candidate) => candidate.name === toolName);
        if (tool) return { group, tool };
      }
    }
    for (const group of (await this.listToolGroups()).data) {
      const tool = (await this.toolsOf(group, context)).find((candidate) => candidate.name === toolName);
      if (tool) return { group, tool };
    }
    throw NotFoundError.of('Tool', toolName, 'See GET /v1/tools.');
  }

  private providerOf(group: ToolGroup): ToolRuntimeProvider {
    const provider = this.providers.get(group.provider_id);
    if (!provider) throw new InvalidRequestError(`Tool group '${group.identifier}' belongs to provider '${group.provider_id}', which this stack does not have.`);
    return provider.instance;
  }
}

function toToolGroup(resource: ToolGroupResource): ToolGroup {
  return {
    identifier: resource.identifier,
    provider_resource_id: resource.provider_resource_id,
    provider_id: resource.provider_id,
    type: 'tool_group',
    ...(resource.mcp_endpoint ? { mcp_endpoint: resource.mcp_endpoint } : {}),
    ...(resource.args ? { args: resource.args } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUrl(value: unknown): value is { uri: string } {
  return isRecord(value) && typeof value.uri === 'string';
}
