import { z } from 'zod';

const jsonRecord = z.record(z.string(), z.unknown());

export const urlSchema = z.object({ uri: z.string().min(1) });
export type Url = z.output<typeof urlSchema>;

export const toolDefSchema = z.object({
  toolgroup_id: z.string().optional(),
  name: z.string(),
  description: z.string().optional(),
  /** JSON Schema of the tool's arguments (MCP `inputSchema`). */
  input_schema: jsonRecord.optional(),
  output_schema: jsonRecord.optional(),
  metadata: jsonRecord.optional(),
});
export type ToolDef = z.output<typeof toolDefSchema>;

export const toolGroupSchema = z.object({
  identifier: z.string(),
  provider_resource_id: z.string(),
  provider_id: z.string(),
  type: z.literal('tool_group'),
  mcp_endpoint: urlSchema.optional(),
  args: jsonRecord.optional(),
});
export type ToolGroup = z.output<typeof toolGroupSchema>;

export const listToolGroupsResponseSchema = z.object({ data: z.array(toolGroupSchema) });
export const listToolDefsResponseSchema = z.object({ data: z.array(toolDefSchema) });
export type ListToolDefsResponse = z.output<typeof listToolDefsResponseSchema>;

export const registerToolGroupRequestSchema = z.object({
  toolgroup_id: z.string().min(1),
  provider_id: z.string().min(1),
  mcp_endpoint: urlSchema.optional(),
  args: jsonRecord.optional(),
});
export type RegisterToolGroupRequest = z.output<typeof registerToolGroupRequestSchema>;

export const textContentItemSchema = z.object({ type: z.literal('text'), text: z.string() });
export const imageContentItemSchema = z.object({
  type: z.literal('image'),
  image: z.object({ url: urlSchema.optional(), data: z.string().optional() }),
});
export const contentItemSchema = z.discriminatedUnion('type', [textContentItemSchema, imageContentItemSchema]);
export type ContentItem = z.output<typeof contentItemSchema>;
export const interleavedContentSchema = z.union([z.string(), contentItemSchema, z.array(contentItemSchema)]);
export type InterleavedContent = z.output<typeof interleavedContentSchema>;

export const invokeToolRequestSchema = z.object({
  tool_name: z.string().min(1),
  kwargs: jsonRecord.default({}),
});
export type InvokeToolRequest = z.output<typeof invokeToolRequestSchema>;

export const toolInvocationResultSchema = z.object({
  content: interleavedContentSchema.nullable().optional(),
  error_message: z.string().optional(),
  error_code: z.number().int().optional(),
  metadata: jsonRecord.optional(),
});
export type ToolInvocationResult = z.output<typeof toolInvocationResultSchema>;

/** The MCP endpoint may arrive as `mcp_endpoint[uri]=…` (bracket form, kept flat by the server's query parser) or `mcp_endpoint=<url>`. */
export const listRuntimeToolsQuerySchema = z.preprocess(
  (value) => {
    if (typeof value !== 'object' || value === null) return value;
    const { ['mcp_endpoint[uri]']: bracketUri, ...rest } = value as Record<string, unknown>;
    return bracketUri === undefined ? rest : { ...rest, mcp_endpoint: { uri: bracketUri } };
  },
  z.object({
    tool_group_id: z.string().min(1).optional(),
    mcp_endpoint: z.union([urlSchema, z.string().min(1).transform((uri) => ({ uri }))]).optional(),
  }),
);
export type ListRuntimeToolsRequest = z.output<typeof listRuntimeToolsQuerySchema>;

export const listToolsQuerySchema = z.object({ toolgroup_id: z.string().min(1).optional() });
export const toolGroupIdPathSchema = z.object({ toolgroup_id: z.string().min(1) });
export const toolNamePathSchema = z.object({ tool_name: z.string().min(1) });
