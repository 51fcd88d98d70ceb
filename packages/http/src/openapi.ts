import { z } from 'zod';
import type { RouteDefinition } from '@stack/core';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType<any, any>, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** The OpenAPI 3.1 document of the served routes, generated from the route tables. */
export function createOpenApiDocument(routes: readonly RouteDefinition[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: JsonSchema[] = [];
    for (const [location, schema] of [['path', route.pathParams], ['query', route.query]] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input');
      const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required as string[] | undefined) ?? []);
      for (const [name, property] of Object.entries(properties)) {
        parameters.push({ name, in: location, required: location === 'path' || required.has(name), schema: property });
      }
    }
    const content: Record<string, unknown> = {};
    if (route.binaryResponse) content[route.binaryResponse] = { schema: { type: 'string', format: 'binary' } };
    if (route.response) content['application/json'] = { schema: toSchema(route.response, 'output') };
    if (route.streamEvent) content['text/event-stream'] = { schema: toSchema(route.streamEvent, 'output') };
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.api],
      deprecated: route.deprecated === true,
      parameters,
      responses: {
        [String(route.successStatus ?? 200)]: { description: 'OK', ...(Object.keys(content).length > 0 ? { content } : {}) },
        '400': { $ref: '#/components/responses/BadRequest' },
        '404': { $ref: '#/components/responses/NotFound' },
        default: { $ref: '#/components/responses/Error' },
      },
    };
    if (route.multipart) {
      const fields = route.body ? toSchema(route.body, 'input') : { type: 'object', properties: {} };
      const schema = {
        ...fields,
        properties: { [route.multipart.fileField]: { type: 'string', format: 'binary' }, ...((fields.properties as JsonSchema | undefined) ?? {}) },
        required: [route.multipart.fileField, ...((fields.required as string[] | undefined) ?? [])],
      };
      operation.requestBody = { required: true, content: { 'multipart/form-data': { schema } } };
    } else if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Stack: Llama Stack API', version },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['message', 'type', 'code'],
              properties: { message: { type: 'string' }, type: { type: 'string' }, code: { type: ['string', 'null'] }, param: { type: ['string', 'null'] } },
            },
          },
        },
      },
      responses: {
        BadRequest: errorResponse('The request was invalid; the message names the field.'),
        NotFound: errorResponse('The named resource does not exist.'),
        Error: errorResponse('An error in the OpenAI error envelope.'),
      },
    },
  };
}
