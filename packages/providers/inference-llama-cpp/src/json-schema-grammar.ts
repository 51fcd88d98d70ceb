import { InvalidRequestError } from '@stack/core';
import type { GbnfJsonSchema } from 'node-llama-cpp';

/**
 * Clients send full JSON Schema (with `title`, `anyOf`, `$defs`, `format: "email"`…); llama.cpp
 * grammars accept a subset. This maps one onto the other: structure is kept and enforced,
 * annotations are dropped, and value constraints a grammar cannot express (`pattern`, `minimum`,
 * most `format`s) are left unenforced. Keywords that would change which documents are valid in ways
 * a grammar cannot follow (`not`, `if`, several `allOf` parts) are refused rather than ignored.
 */

type JsonObject = Record<string, unknown>;

const immutableTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const grammarFormats = new Set(['date-time', 'time', 'date']);
const refusedKeywords = ['not', 'if', 'then', 'else', 'patternProperties', 'dependentSchemas', 'unevaluatedProperties'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any JSON value, for `{}` and `true` schemas. */
const anyValue = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'object', additionalProperties: true },
    { type: 'array' },
  ],
} as const satisfies GbnfJsonSchema;

export function toGrammarJsonSchema(schema: unknown, param: string): GbnfJsonSchema {
  const definitions: JsonObject = {};

  const fail = (message: string): never => {
    throw new InvalidRequestError(`${param}: ${message}`, { param });
  };

  const convert = (node: unknown, path: string): GbnfJsonSchema => {
    if (node === true || (isObject(node) && Object.keys(node).every((key) => !isAssertionKeyword(key)))) return anyValue;
    if (!isObject(node)) return fail(`${path} is not a JSON Schema object.`);
    for (const keyword of refusedKeywords) {
      if (keyword in node) fail(`the JSON Schema keyword '${keyword}' at ${path} cannot be enforced by a llama.cpp grammar.`);
    }
    const description = typeof node.description === 'string' ? { description: node.description } : {};

    for (const nested of ['$defs', 'definitions'] as const) {
      if (isObject(node[nested])) {
        for (const [name, definition] of Object.entries(node[nested])) definitions[name] = definition;
      }
    }

    if (Array.isArray(node.allOf)) {
      if (node.allOf.length !== 1) fail(`'allOf' with several parts at ${path} cannot be enforced by a llama.cpp grammar.`);
      const { allOf, ...rest } = node;
      return convert({ ...rest, ...(allOf[0] as JsonObject) }, `${path}.allOf[0]`);
    }
    if (typeof node.$ref === 'string') {
      const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(node.$ref);
      if (!match) fail(`only local references ('#/$defs/…') are supported, not '${node.$ref}' at ${path}.`);
      return { $ref: `#/$defs/${match![1]}`, ...description } as GbnfJsonSchema;
    }
    if ('const' in node) {
      if (!isScalar(node.const)) fail(`'const' at ${path} must be a string, number, boolean or null.`);
      return { const: node.const as string | number | boolean | null, ...description };
    }
    if (Array.isArray(node.enum)) {
      if (!node.enum.every(isScalar)) fail(`'enum' values at ${path} must be strings, numbers, booleans or null.`);
      return { enum: node.enum as Array<string | number | boolean | null>, ...description };
    }
    const alternatives = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
    if (alternatives) {
      return { oneOf: alternatives.map((alternative, index) => convert(alternative, `${path}.anyOf[${index}]`)), ...description };
    }

    const types = Array.isArray(node.type) ? (node.type as unknown[]) : node.type === undefined ? inferTypes(node) : [node.type];
    if (types.length === 0) return anyValue;
    if (types.length > 1) {
      if (types.every((type) => typeof type === 'string' && immutableTypes.has(type))) {
        return { type: types as Array<'string' | 'number' | 'integer' | 'boolean' | 'null'>, ...description };
      }
      return { oneOf: types.map((type) => convert({ ...node, type }, path)), ...description };
    }
    const [type] = types;
    switch (type) {
      case 'object':
        return convertObject(node, path, description);
      case 'array':
        return convertArray(node, path, description);
      case 'string': {
        if (typeof node.format === 'string' && grammarFormats.has(node.format)) {
          return { type: 'string', format: node.format as 'date-time' | 'time' | 'date', ...description };
        }
        return {
          type: 'string',
          ...(typeof node.minLength === 'number' ? { minLength: node.minLength } : {}),
          ...(typeof node.maxLength === 'number' ? { maxLength: node.maxLength } : {}),
          ...description,
        };
      }
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return { type, ...description };
      default:
        return fail(`unknown type ${JSON.stringify(type)} at ${path}.`);
    }
  };

  const convertObject = (node: JsonObject, path: string, description: object): GbnfJsonSchema => {
    const properties: Record<string, GbnfJsonSchema> = {};
    if (node.properties !== undefined && !isObject(node.properties)) fail(`'properties' at ${path} must be an object.`);
    for (const [name, property] of Object.entries((node.properties as JsonObject | undefined) ?? {})) {
      properties[name] = convert(property, `${path}.properties.${name}`);
    }
    const required = Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === 'string' && name in properties) : [];
    const additional = node.additionalProperties;
    const hasProperties = Object.keys(properties).length > 0;
    return {
      type: 'object',
      properties,
      required,
      // JSON Schema allows extra keys unless told otherwise; with declared properties the grammar
      // keeps to them, which every schema-valid answer still satisfies.
      additionalProperties: additional === undefined ? !hasProperties : isObject(additional) ? convert(additional, `${path}.additionalProperties`) : additional === true,
      ...(typeof node.minProperties === 'number' ? { minProperties: node.minProperties } : {}),
      ...(typeof node.maxProperties === 'number' ? { maxProperties: node.maxProperties } : {}),
      ...description,
    } as GbnfJsonSchema;
  };

  const convertArray = (node: JsonObject, path: string, description: object): GbnfJsonSchema => {
    return {
      type: 'array',
      ...(node.items !== undefined && node.items !== true ? { items: convert(node.items, `${path}.items`) } : {}),
      ...(Array.isArray(node.prefixItems)
        ? { prefixItems: node.prefixItems.map((item, index) => convert(item, `${path}.prefixItems[${index}]`)) }
        : {}),
      ...(typeof node.minItems === 'number' ? { minItems: node.minItems } : {}),
      ...(typeof node.maxItems === 'number' ? { maxItems: node.maxItems } : {}),
      ...description,
    } as GbnfJsonSchema;
  };

  const root = convert(schema, '$');
  const names = Object.keys(definitions);
  if (names.length === 0) return root;
  const $defs: Record<string, GbnfJsonSchema> = {};
  for (const name of names) $defs[name] = convert(definitions[name], `$defs.${name}`);
  if ('$ref' in root || 'oneOf' in root || ('type' in root && (root.type === 'object' || root.type === 'array'))) {
    return { ...root, $defs } as GbnfJsonSchema;
  }
  return root;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

// Keywords that constrain a value; a schema with none of them accepts any JSON.
function isAssertionKeyword(key: string): boolean {
  return !['title', 'description', 'default', 'examples', '$schema', '$id', '$comment', 'deprecated', 'readOnly', 'writeOnly'].includes(key);
}

function inferTypes(node: JsonObject): string[] {
  if ('properties' in node || 'additionalProperties' in node || 'required' in node) return ['object'];
  if ('items' in node || 'prefixItems' in node) return ['array'];
  return [];
}
