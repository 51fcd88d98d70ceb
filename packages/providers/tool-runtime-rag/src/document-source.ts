import { InvalidRequestError, RequestTooLargeError, UpstreamError } from '@stack/core';
import type { ContentItem, Url } from '@stack/tool-runtime-api';

/** What a document's `content` may be: text (or an http(s)/`data:` URL as text), `{uri}`, or content items. */
export type DocumentContent = string | Url | ContentItem | ContentItem[];

/** The bytes of a document and what is known about their type and origin. */
export interface DocumentBytes {
  data: Uint8Array;
  /** The media type the URL declared (`Content-Type`, or the `data:` URL's media type). */
  contentType?: string | undefined;
  /** The last path segment of an http(s) URL. */
  urlFilename?: string | undefined;
  /** The http(s) URL fetched, without its query string. */
  source?: string | undefined;
  /** Whether the bytes are text the caller wrote inline (rather than a fetched or decoded file). */
  inline: boolean;
}

export interface FetchSettings {
  fetch: typeof fetch;
  /** Time allowed for the request and its body. */
  timeoutMs: number;
  /** Largest body accepted. */
  maxBytes: number;
  /** The caller's signal; aborting it stops the download. */
  signal: AbortSignal;
}

const httpUrl = /^https?:\/\/\S+$/i;
const dataUrl = /^data:/i;

/**
 * The bytes of a document's content. Text that is a whole http(s) URL is fetched, a `data:` URL
 * is decoded, other text is the document itself. `{uri}` must be an http(s) or `data:` URL.
 * Content items contribute their text (images are left out). `param` names the field in errors.
 */
export async function loadDocumentContent(content: DocumentContent, param: string, settings: FetchSettings): Promise<DocumentBytes> {
  if (typeof content === 'string') {
    const trimmed = content.trim();
    if (httpUrl.test(trimmed)) return fetchDocument(trimmed, param, settings);
    if (dataUrl.test(trimmed)) return { ...decodeDataUrl(trimmed, param), inline: false };
    return { data: new TextEncoder().encode(content), inline: true };
  }
  if (Array.isArray(content) || 'type' in content) {
    const items = Array.isArray(content) ? content : [content];
    const texts = items.flatMap((item) => (item.type === 'text' ? [item.text] : []));
    if (texts.length === 0) {
      throw new InvalidRequestError(`${param} holds no text content items; only text can be inserted.`, { param });
    }
    return { data: new TextEncoder().encode(texts.join('\n\n')), inline: true };
  }
  const uri = content.uri.trim();
  if (httpUrl.test(uri)) return fetchDocument(uri, `${param}.uri`, settings);
  if (dataUrl.test(uri)) return { ...decodeDataUrl(uri, `${param}.uri`), inline: false };
  throw new InvalidRequestError(`${param}.uri must be an http(s) or data: URL, got '${uri.split(':', 1)[0]}:…'.`, { param: `${param}.uri` });
}

/** Decodes a `data:[<media type>][;base64],<data>` URL (RFC 2397). */
export function decodeDataUrl(url: string, param: string): { data: Uint8Array; contentType: string | undefined } {
  const comma = url.indexOf(',');
  if (comma < 0) throw new InvalidRequestError(`${param} is a data: URL without a ',' before its data.`, { param });
  const parameters = url.slice('data:'.length, comma).split(';');
  const base64 = parameters.length > 1 && parameters[parameters.length - 1]!.trim().toLowerCase() === 'base64';
  if (base64) parameters.pop();
  const declared = parameters.join(';').trim();
  const contentType = declared === '' ? undefined : declared.startsWith(';') ? `text/plain${declared}` : declared;
  const payload = percentDecode(url.slice(comma + 1));
  if (!base64) return { data: payload, contentType };
  const text = Buffer.from(payload).toString('latin1').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    throw new InvalidRequestError(`${param} is a base64 data: URL whose data is not valid base64.`, { param });
  }
  return { data: new Uint8Array(Buffer.from(text, 'base64')), contentType };
}

/** Percent-decodes to bytes: `%XX` escapes become bytes, other characters their UTF-8 encoding. */
export function percentDecode(text: string): Uint8Array {
  if (!text.includes('%')) return new TextEncoder().encode(text);
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let literalStart = 0;
  const flushLiteral = (end: number) => {
    if (end > literalStart) for (const byte of encoder.encode(text.slice(literalStart, end))) bytes.push(byte);
  };
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] !== '%' || !/^[0-9a-fA-F]{2}$/.test(text.slice(index + 1, index + 3))) continue;
    flushLiteral(index);
    bytes.push(Number.parseInt(text.slice(index + 1, index + 3), 16));
    index += 2;
    literalStart = index + 1;
  }
  flushLiteral(text.length);
  return Uint8Array.from(bytes);
}

/** An http(s) URL as it may appear in messages and metadata: no credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.split(/[?#]/, 1)[0] ?? url;
  }
}

function urlFilename(url: string): string | undefined {
  try {
    const segment = new URL(url).pathname.split('/').pop() ?? '';
    const name = decodeURIComponent(segment);
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/**
 * GETs a document. A 4xx answer is the caller's mistake (`InvalidRequestError`); no answer, a
 * timeout or a 5xx answer is the remote server's (`UpstreamError`); a body over the size limit
 * is refused with `RequestTooLargeError`.
 */
async function fetchDocument(url: string, param: string, settings: FetchSettings): Promise<DocumentBytes> {
  const shown = displayUrl(url);
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = AbortSignal.any([settings.signal, timeout]);
  const failure = (error: unknown): Error => {
    if (settings.signal.aborted) return settings.signal.reason instanceof Error ? settings.signal.reason : new Error('The request was aborted.');
    if (timeout.aborted) return new UpstreamError(`${param}: fetching ${shown} timed out after ${settings.timeoutMs / 1000} s.`, { cause: error });
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = error instanceof Error ? error.message : String(error);
    return new UpstreamError(`${param}: could not fetch ${shown}: ${message}${cause}`, { cause: error });
  };

  let response: Response;
  try {
    response = await settings.fetch(url, { signal, redirect: 'follow' });
  } catch (error) {
    throw failure(error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const answer = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 400 && response.status < 500) {
      throw new InvalidRequestError(`${param}: fetching ${shown} was answered with ${answer}.`, { param });
    }
    throw new UpstreamError(`${param}: fetching ${shown} was answered with ${answer}.`, { upstreamStatus: response.status });
  }
  const tooLarge = () => new RequestTooLargeError(`${param}: ${shown} is larger than the ${settings.maxBytes}-byte limit for documents.`, { param });
  const declaredLength = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declaredLength) && declaredLength > settings.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }

  const parts: Uint8Array[] = [];
  let length = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        length += value.byteLength;
        if (length > settings.maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        parts.push(value);
      }
    } catch (error) {
      if (RequestTooLargeError.isInstance(error)) throw error;
      throw failure(error);
    }
  }
  const data = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.byteLength;
  }
  return { data, contentType: response.headers.get('content-type') ?? undefined, urlFilename: urlFilename(url), source: shown, inline: false };
}
