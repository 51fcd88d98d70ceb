/*
 * The type a file's content is answered with.
 */

/** Types that say nothing about the content; the file name is a better guide. */
const genericTypes = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

const typesByExtension: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  json: 'application/json',
  jsonl: 'application/jsonl',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  gz: 'application/gzip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/** The declared type unless it is generic, else one guessed from the extension, else octet-stream. */
export function contentTypeFor(filename: string, declared: string | null | undefined): string {
  const type = declared?.trim() ?? '';
  if (!genericTypes.has(type.toLowerCase())) return type;
  const dot = filename.lastIndexOf('.');
  const extension = dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
  return typesByExtension[extension] ?? 'application/octet-stream';
}
