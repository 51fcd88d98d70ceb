// Embedding throughput of inline::local-embeddings on this machine.
// Usage (after `npx tsup`): node scripts/throughput.mjs [--count 256] [--batch-size 32] [--rounds 3]
import { parseArgs } from 'node:util';
import { createLocalEmbeddingsInferenceProvider } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '256' },
    'batch-size': { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
  },
});
const count = Number(values.count);
const batchSize = Number(values['batch-size']);
const rounds = Number(values.rounds);

const subjects = ['The cat', 'A delivery driver', 'Our new intern', 'The old lighthouse keeper', 'A small startup', 'The city council', 'My neighbour', 'The research team'];
const verbs = ['quietly reviewed', 'finally repaired', 'carefully described', 'happily shared', 'briefly mentioned', 'suddenly cancelled', 'proudly presented', 'rarely discussed'];
const objects = ['the quarterly report', 'a broken bicycle', 'the weather forecast', 'an old photograph', 'the train schedule', 'a new recipe', 'the budget proposal', 'a mysterious letter'];
// Distinct short sentences (9–12 words), so no two inputs are the same.
const texts = Array.from({ length: count }, (_, i) => {
  const a = subjects[i % 8];
  const b = verbs[Math.floor(i / 8) % 8];
  const c = objects[Math.floor(i / 64) % 8];
  return `${a} ${b} ${c} on day ${i + 1}.`;
});

const provider = createLocalEmbeddingsInferenceProvider({ batch_size: batchSize });
const request = { model: 'universal-sentence-encoder', input: texts };

let started = performance.now();
await provider.embeddings({ model: 'universal-sentence-encoder', input: 'warm up' });
const loadMs = performance.now() - started;

const rates = [];
for (let round = 0; round < rounds; round++) {
  started = performance.now();
  const response = await provider.embeddings(request);
  const seconds = (performance.now() - started) / 1000;
  if (response.data.length !== count) throw new Error(`expected ${count} embeddings, got ${response.data.length}`);
  rates.push(count / seconds);
}
await provider.close();

rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(
  `${count} short sentences, batch_size ${batchSize}, ${rounds} rounds: median ${median.toFixed(0)} texts/s ` +
    `(min ${rates[0].toFixed(0)}, max ${rates[rates.length - 1].toFixed(0)}); first call incl. model load ${loadMs.toFixed(0)} ms`,
);
