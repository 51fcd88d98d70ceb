import type { ChatCompletion, ChatCompletionRequest } from '@stack/inference-api';
import { describe, expect, it } from 'vitest';
import type { VectorStoreInference } from './embedder.js';
import { modelRewrite, ruleBasedRewrite } from './query-rewrite.js';

describe('ruleBasedRewrite', () => {
  it.each([
    ['What is the capital of France?', 'capital france'],
    ['How do I reset my PASSWORD, please?!', 'reset password'],
    ['Tell me about solar-panel efficiency in 2024', 'solar panel efficiency 2024'],
    ['Où se trouve la tour Eiffel ?', 'où se trouve la tour eiffel'],
  ])('%s → %s', (query, expected) => {
    expect(ruleBasedRewrite(query)).toBe(expected);
  });

  it('keeps the words of a query made only of stop words', () => {
    expect(ruleBasedRewrite('Who are you?')).toBe('who are you');
    expect(ruleBasedRewrite('?!')).toBe('?!');
  });
});

describe('modelRewrite', () => {
  function chatAnswering(content: string | null) {
    const requests: ChatCompletionRequest[] = [];
    const inference: VectorStoreInference = {
      embeddings: () => Promise.reject(new Error('not used')),
      chatCompletion: async (request) => {
        requests.push(request);
        const completion: ChatCompletion = {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 0,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        };
        return completion;
      },
    };
    return { inference, requests };
  }

  it('asks the model once with a short system prompt and keeps the first line of the answer', async () => {
    const { inference, requests } = chatAnswering('\n"solar panel efficiency"\nThis query focuses on…');
    expect(await modelRewrite(inference, 'rewriter', 'How efficient are solar panels these days?', undefined)).toBe('solar panel efficiency');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ model: 'rewriter', stream: false });
    expect(requests[0]?.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(requests[0]?.messages[1]?.content).toBe('How efficient are solar panels these days?');
  });

  it('falls back to the rule-based rewrite when the model answers nothing', async () => {
    const { inference } = chatAnswering(null);
    expect(await modelRewrite(inference, 'rewriter', 'What is the capital of France?', undefined)).toBe('capital france');
  });
});
