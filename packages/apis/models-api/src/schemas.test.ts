import { describe, expect, it } from 'vitest';
import { modelsRoutes } from './routes.js';
import { modelSchema, registerModelRequestSchema } from './schemas.js';

describe('models schemas', () => {
  it('accepts the deprecated register request and rejects unknown fields', () => {
    expect(registerModelRequestSchema.parse({ model_id: 'm', provider_id: 'vllm', model_type: 'embedding', metadata: { embedding_dimension: 8 } })).toMatchObject({ model_type: 'embedding' });
    const result = registerModelRequestSchema.safeParse({ model_id: 'm', modelType: 'llm' });
    expect(result.success).toBe(false);
    expect(registerModelRequestSchema.safeParse({ model_id: 'm', model_type: 'chat' }).error?.issues[0]?.path).toEqual(['model_type']);
  });

  it('describes a model as the reference spec does', () => {
    expect(() => modelSchema.parse({ identifier: 'x', provider_resource_id: 'x', provider_id: 'p', type: 'model', metadata: {}, model_type: 'llm' })).not.toThrow();
    expect(modelSchema.safeParse({ identifier: 'x', provider_id: 'p', type: 'shield', metadata: {}, model_type: 'llm' }).success).toBe(false);
  });

  it('serves model ids with slashes and marks register/unregister deprecated', () => {
    const byOperation = Object.fromEntries(modelsRoutes.map((route) => [route.operationId, route]));
    expect(byOperation.getModel?.greedyPathParam).toBe('model_id');
    expect(byOperation.registerModel?.deprecated).toBe(true);
    expect(byOperation.unregisterModel?.deprecated).toBe(true);
    expect(byOperation.openaiListModels?.openaiCompatible).toBe(true);
  });
});
