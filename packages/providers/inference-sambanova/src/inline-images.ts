import { InvalidRequestError } from '@stack/core';
import type { FetchFunction } from '@stack/openai-compatible';

/** Larger downloads are refused rather than held in memory and sent upstream. */
const maxImageBytes = 20 * 1024 * 1024;

/**
 * SambaNova does not fetch `image_url` parts itself, so http(s) image URLs in chat messages are
 * downloaded here and sent as `data:` URLs. Messages without remote images come back unchanged.
 */
export async function inlineRemoteImages(
  name: string,
  messages: unknown,
  fetch: FetchFunction,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (!Array.isArray(messages) || !messages.some(hasRemoteImage)) return messages;
  return Promise.all(
    messages.map(async (message) => {
      if (!hasRemoteImage(message)) return message;
      const record = message as { content: unknown[] };
      const content = await Promise.all(
        record.content.map(async (part) => {
          const url = remoteImageURL(part);
          if (url === undefined) return part;
          const typed = part as { image_url: Record<string, unknown> };
          return { ...typed, image_url: { ...typed.image_url, url: await download(name, url, fetch, signal) } };
        }),
      );
      return { ...record, content };
    }),
  );
}

function hasRemoteImage(message: unknown): boolean {
  const content = (message as { content?: unknown } | null)?.content;
  return Array.isArray(content) && content.some((part) => remoteImageURL(part) !== undefined);
}

function remoteImageURL(part: unknown): string | undefined {
  const record = part as { type?: unknown; image_url?: { url?: unknown } } | null;
  if (record?.type !== 'image_url') return undefined;
  const url = record.image_url?.url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined;
}

async function download(name: string, url: string, fetch: FetchFunction, signal: AbortSignal | undefined): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new InvalidRequestError(`${name}: the image at ${url} could not be downloaded: ${(error as Error).message}`, {
      code: 'invalid_image_url',
      param: 'messages',
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new InvalidRequestError(`${name}: the image at ${url} could not be downloaded (HTTP ${response.status}).`, {
      code: 'invalid_image_url',
      param: 'messages',
    });
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxImageBytes) {
    throw new InvalidRequestError(`${name}: the image at ${url} is larger than ${maxImageBytes} bytes.`, { code: 'invalid_image_url', param: 'messages' });
  }
  const type = (response.headers.get('content-type') ?? 'image/png').split(';')[0].trim();
  return `data:${type};base64,${bytes.toString('base64')}`;
}
