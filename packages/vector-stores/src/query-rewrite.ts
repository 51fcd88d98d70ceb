import type { RequestContext } from '@stack/core';
import type { ChatCompletion, ChatCompletionChunk } from '@stack/inference-api';
import type { VectorStoreInference } from './embedder.js';

/** English function words and question words that carry no search meaning. */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor so if then than that this these those there here ' +
    'what which who whom whose when where why how ' +
    'is are was were be been being am do does did doing done have has had having ' +
    'can could would should will shall may might must ' +
    'i me my mine we us our you your he him his she her it its they them their ' +
    'of in on at to for from by with about into onto over under between through during ' +
    'as up down out off any some all each every no not very just also too ' +
    'please tell show give explain describe find know want like get'
  ).split(' '),
);

/**
 * The deterministic rewrite used without a rewrite model: lower-case, punctuation dropped, and
 * English stop and question words removed ("What is the capital of France?" → "capital france").
 * A query made only of stop words keeps its words.
 */
export function ruleBasedRewrite(query: string): string {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const meaningful = words.filter((word) => !STOP_WORDS.has(word));
  const rewritten = (meaningful.length > 0 ? meaningful : words).join(' ');
  return rewritten === '' ? query.trim() : rewritten;
}

const REWRITE_PROMPT =
  'Rewrite the user message as a concise search query for a document search engine: keep the key terms, drop filler words. ' +
  'Answer with the query alone, on one line.';

/** Asks a chat model for a search query; uses the first non-empty line of its answer (rule-based if it answers nothing). */
export async function modelRewrite(inference: VectorStoreInference, model: string, query: string, context?: RequestContext): Promise<string> {
  const result = await inference.chatCompletion(
    {
      model,
      messages: [
        { role: 'system', content: REWRITE_PROMPT },
        { role: 'user', content: query },
      ],
      temperature: 0,
      max_tokens: 64,
      stream: false,
    },
    context,
  );
  const answer = await answerText(result);
  const line = answer
    .split(/\r?\n/)
    .map((text) => text.trim().replace(/^["'`]+|["'`]+$/g, '').trim())
    .find((text) => text !== '');
  return line ?? ruleBasedRewrite(query);
}

async function answerText(result: ChatCompletion | AsyncIterable<ChatCompletionChunk>): Promise<string> {
  if (Symbol.asyncIterator in result) {
    let text = '';
    for await (const chunk of result) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  }
  return result.choices[0]?.message.content ?? '';
}
