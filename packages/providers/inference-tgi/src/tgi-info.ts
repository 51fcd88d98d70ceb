import { NotFoundError, type RequestContext } from '@stack/core';
import type { DiscoveredModel } from '@stack/inference-api';
import type { OpenAICompatibleUpstream } from '@stack/openai-compatible';

/** The fields of TGI's `GET /info` this provider reads; the server sends many more. */
export interface TGIInfo {
  model_id: string;
  max_total_tokens?: number | null;
  max_input_tokens?: number | null;
}

/** The one model a TGI server serves, as the stack lists it. */
export function tgiModelFromInfo(info: TGIInfo): DiscoveredModel {
  const contextLength = typeof info.max_total_tokens === 'number' ? info.max_total_tokens : undefined;
  return {
    provider_resource_id: info.model_id,
    model_type: 'llm',
    metadata: contextLength === undefined ? {} : { context_length: contextLength },
  };
}

/**
 * Reads `GET {root}/info` once and keeps it. TGI answers any `model` with the one it serves, so
 * requests naming another model are refused here instead of silently answered by the wrong one;
 * a mismatch re-reads `/info` first, in case the server was restarted with another model.
 */
export function createTGIInfoCache(root: string, upstream: () => OpenAICompatibleUpstream, name: string) {
  let cached: Promise<TGIInfo> | undefined;

  function read(context?: RequestContext): Promise<TGIInfo> {
    const pending = upstream().get<TGIInfo>(`${root}/info`, { context });
    cached = pending;
    pending.catch(() => {
      if (cached === pending) cached = undefined;
    });
    return pending;
  }

  return {
    info(context?: RequestContext): Promise<TGIInfo> {
      return cached ?? read(context);
    },
    refresh: read,
    async assertServes(model: unknown, context?: RequestContext): Promise<void> {
      if ((await (cached ?? read(context))).model_id === model) return;
      const fresh = await read(context);
      if (fresh.model_id === model) return;
      throw new NotFoundError(`${name}: the server serves \`${fresh.model_id}\`, not \`${String(model)}\`.`, {
        code: 'model_not_found',
        param: 'model',
      });
    },
  };
}
