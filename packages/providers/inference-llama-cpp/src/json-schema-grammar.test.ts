import { InvalidRequestError } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { toGrammarJsonSchema } from './json-schema-grammar.js';

describe('toGrammarJsonSchema', () => {
  it('keeps structure, drops annotations and maps anyOf, definitions and nullable types', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Person',
      type: 'object',
      properties: {
        name: { type: 'string', title: 'Name', maxLength: 20, pattern: '^[A-Z]' },
        age: { type: ['integer', 'null'], minimum: 0 },
        born: { type: 'string', format: 'date' },
        email: { type: 'string', format: 'email' },
        pet: { anyOf: [{ $ref: '#/definitions/Pet' }, { type: 'null' }] },
      },
      required: ['name', 'age', 'unknown'],
      definitions: { Pet: { type: 'object', properties: { kind: { enum: ['cat', 'dog'] } }, required: ['kind'] } },
    };
    expect(toGrammarJsonSchema(schema, 'response_format.json_schema.schema')).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20 },
        age: { type: ['integer', 'null'] },
        born: { type: 'string', format: 'date' },
        email: { type: 'string' },
        pet: { oneOf: [{ $ref: '#/$defs/Pet' }, { type: 'null' }] },
      },
      required: ['name', 'age'],
      additionalProperties: false,
      $defs: { Pet: { type: 'object', properties: { kind: { enum: ['cat', 'dog'] } }, required: ['kind'], additionalProperties: false } },
    });
  });

  it('turns empty schemas into any JSON value and infers object types', () => {
    expect(toGrammarJsonSchema({}, 'p')).toHaveProperty('oneOf');
    expect(toGrammarJsonSchema({ properties: { a: { type: 'boolean' } } }, 'p')).toMatchObject({ type: 'object', properties: { a: { type: 'boolean' } } });
    expect(toGrammarJsonSchema({ type: 'object' }, 'p')).toMatchObject({ type: 'object', additionalProperties: true });
  });

  it('refuses keywords a grammar cannot follow, naming the request field', () => {
    for (const schema of [{ not: { type: 'string' } }, { allOf: [{ type: 'string' }, { maxLength: 3 }] }, { $ref: 'https://example.com/x.json' }]) {
      let caught: unknown;
      try {
        toGrammarJsonSchema(schema, 'tools[0].function.parameters');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRequestError);
      expect((caught as InvalidRequestError).param).toBe('tools[0].function.parameters');
    }
  });
});
