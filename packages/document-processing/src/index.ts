export { DocumentExtractionError, type DocumentExtractionErrorCode } from './errors.js';
export { detectFormat, type DocumentFormat, type ExtractInput } from './format.js';
export { extractText, type ExtractedDocument } from './extract.js';
export { AUTO_CHUNKING, chunkText, validateChunkingOptions, type ChunkingOptions, type TextChunk } from './chunking.js';
export { countTokens, TOKENIZER_NAME } from './tokenizer.js';
