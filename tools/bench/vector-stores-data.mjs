// Deterministic inputs and small statistics for tools/bench/vector-stores.mjs: seeded prose for
// ingestion, clustered unit vectors for search and recall, exact top-k by brute force, percentiles.

/** A seeded generator of uniform floats in [0, 1) (mulberry32). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform generator (Box–Muller, both values used). */
function gaussianSource(random) {
  let spare;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function normalizeInto(target, offset, dimension) {
  let norm = 0;
  for (let index = 0; index < dimension; index += 1) norm += target[offset + index] ** 2;
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimension; index += 1) target[offset + index] *= scale;
}

/**
 * Clustered unit vectors with the structure of text embeddings: `clusters` random topic centres on
 * the sphere, each with its own `rank` random directions of variation; a vector is a centre plus a
 * Gaussian mix of its topic's directions (length about `spread`) plus a little uniform noise in
 * every dimension (length about `noise`), normalised. Within a topic the vectors thus vary along
 * few directions, so near neighbours are clearly nearer than the rest, as with real embeddings
 * (isotropic noise would make all members of a cluster almost equally near). Returned packed in
 * one Float32Array (`count × dimension`) with each vector's topic. `centresSeed` fixes the topics,
 * so vectors drawn with another `seed` (queries) come from the same distribution.
 */
export function clusteredVectors({ count, dimension, clusters = 100, rank = 16, spread = 0.8, noise = 0.1, seed, centresSeed = 7 }) {
  const topicGaussian = gaussianSource(seededRandom(centresSeed));
  const centres = new Float32Array(clusters * dimension);
  const bases = new Float32Array(clusters * rank * dimension);
  for (let index = 0; index < centres.length; index += 1) centres[index] = topicGaussian();
  for (let cluster = 0; cluster < clusters; cluster += 1) normalizeInto(centres, cluster * dimension, dimension);
  // Each direction has length about 1; the mix of `rank` of them is scaled to length about `spread`.
  const directionScale = spread / Math.sqrt(dimension * rank);
  for (let index = 0; index < bases.length; index += 1) bases[index] = directionScale * topicGaussian();

  const random = seededRandom(seed);
  const gaussian = gaussianSource(random);
  // Uniform noise on [-a, a] has variance a²/3: a = √3 · noise / √dimension gives length ≈ noise.
  const amplitude = (Math.sqrt(3) * noise) / Math.sqrt(dimension);
  const vectors = new Float32Array(count * dimension);
  const clusterOf = new Uint16Array(count);
  const weights = new Float64Array(rank);
  for (let row = 0; row < count; row += 1) {
    const cluster = Math.floor(random() * clusters);
    clusterOf[row] = cluster;
    const offset = row * dimension;
    const centre = cluster * dimension;
    for (let index = 0; index < dimension; index += 1) vectors[offset + index] = centres[centre + index] + amplitude * (2 * random() - 1);
    for (let direction = 0; direction < rank; direction += 1) weights[direction] = gaussian();
    for (let direction = 0; direction < rank; direction += 1) {
      const weight = weights[direction];
      const basis = (cluster * rank + direction) * dimension;
      for (let index = 0; index < dimension; index += 1) vectors[offset + index] += weight * bases[basis + index];
    }
    normalizeInto(vectors, offset, dimension);
  }
  return { vectors, clusterOf, dimension, count };
}

/** Row `row` of a packed vector set, as a view (no copy). */
export function rowOf(set, row) {
  return set.vectors.subarray(row * set.dimension, (row + 1) * set.dimension);
}

/** Dot product of `query` with the row of `vectors` starting at `offset` (four running sums). */
function dotAt(query, vectors, offset, dimension) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let index = 0;
  for (; index + 3 < dimension; index += 4) {
    s0 += query[index] * vectors[offset + index];
    s1 += query[index + 1] * vectors[offset + index + 1];
    s2 += query[index + 2] * vectors[offset + index + 2];
    s3 += query[index + 3] * vectors[offset + index + 3];
  }
  for (; index < dimension; index += 1) s0 += query[index] * vectors[offset + index];
  return s0 + s1 + s2 + s3;
}

/**
 * The exact top k of each query among the first `size` rows of `data` by dot product (the rows
 * are unit length, so this is cosine similarity), as row numbers best first, with the time each
 * query took.
 */
export function bruteForceTopK(data, size, queries, k) {
  const { dimension, vectors } = data;
  const results = [];
  const times = [];
  const bestScores = new Float64Array(k);
  const bestRows = new Int32Array(k);
  for (let q = 0; q < queries.count; q += 1) {
    const started = performance.now();
    const query = rowOf(queries, q);
    bestScores.fill(-Infinity);
    bestRows.fill(-1);
    for (let row = 0; row < size; row += 1) {
      const dot = dotAt(query, vectors, row * dimension, dimension);
      if (dot <= bestScores[k - 1]) continue;
      let slot = k - 1;
      while (slot > 0 && bestScores[slot - 1] < dot) {
        bestScores[slot] = bestScores[slot - 1];
        bestRows[slot] = bestRows[slot - 1];
        slot -= 1;
      }
      bestScores[slot] = dot;
      bestRows[slot] = row;
    }
    results.push(Array.from(bestRows));
    times.push(performance.now() - started);
  }
  return { results, times };
}

/** Mean share of each exact top-k list found in the matching approximate list. */
export function recallAtK(approximate, exact) {
  let found = 0;
  let wanted = 0;
  for (let q = 0; q < exact.length; q += 1) {
    const got = new Set(approximate[q]);
    for (const item of exact[q]) if (got.has(item)) found += 1;
    wanted += exact[q].length;
  }
  return found / wanted;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const topics = [
  ['river', 'delta', 'sediment', 'flood plain', 'estuary', 'current', 'tributary', 'levee'],
  ['volcano', 'magma chamber', 'ash cloud', 'lava flow', 'caldera', 'vent', 'eruption', 'crater'],
  ['bakery', 'sourdough', 'starter', 'crust', 'oven', 'dough', 'proofing basket', 'flour'],
  ['orchestra', 'violin section', 'conductor', 'score', 'rehearsal', 'concert hall', 'cadenza', 'tempo'],
  ['database', 'index', 'query planner', 'transaction', 'write-ahead log', 'table scan', 'replica', 'checkpoint'],
  ['glacier', 'moraine', 'ice sheet', 'crevasse', 'meltwater', 'fjord', 'snowfield', 'ablation zone'],
  ['telescope', 'mirror', 'nebula', 'spectrograph', 'exposure', 'galaxy', 'observatory', 'star field'],
  ['harbour', 'freighter', 'crane', 'container yard', 'pilot boat', 'quay', 'tide table', 'customs office'],
];
const verbs = ['shapes', 'feeds', 'surrounds', 'depends on', 'slowly changes', 'records', 'follows', 'protects', 'measures', 'supports'];
const adjectives = ['quiet', 'ancient', 'narrow', 'restless', 'careful', 'distant', 'bright', 'heavy', 'patient', 'hidden'];
const connectives = ['Meanwhile,', 'In the evening,', 'Over many years,', 'According to the notes,', 'Later that season,', 'As expected,'];

/**
 * Deterministic English-like prose of at least `tokens` tokens (counted with `countTokens`, the
 * chunker's tokenizer), on one of a few topics chosen by `seed`.
 */
export function generateProse(seed, tokens, countTokens) {
  const random = seededRandom(seed * 2654435761);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const topic = topics[seed % topics.length];
  const paragraphs = [];
  let text = '';
  while (countTokens(text) < tokens) {
    const sentences = [];
    for (let count = 0; count < 40; count += 1) {
      const opener = random() < 0.25 ? `${pick(connectives)} the` : 'The';
      const sentence = `${opener} ${pick(adjectives)} ${pick(topic)} ${pick(verbs)} the ${pick(adjectives)} ${pick(topic)} near the ${pick(topic)}, and the ${pick(topic)} ${pick(verbs)} it ${
        random() < 0.5 ? 'every day' : `for ${2 + Math.floor(random() * 40)} hours`
      }.`;
      sentences.push(sentence);
    }
    paragraphs.push(sentences.join(' '));
    text = paragraphs.join('\n\n');
  }
  // Trim whole sentences from the end until just above the target.
  let sentences = text.split(/(?<=\.) /);
  let low = 1;
  let high = sentences.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (countTokens(sentences.slice(0, middle).join(' ')) >= tokens) high = middle;
    else low = middle + 1;
  }
  sentences = sentences.slice(0, low);
  return `Notes on the ${topic[0]}, part ${seed + 1}\n\n${sentences.join(' ')}\n`;
}
