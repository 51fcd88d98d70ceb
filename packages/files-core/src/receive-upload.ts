import { InvalidRequestError, formatPath } from '@stack/core';
import { fileUploadFieldsSchema, type FileUploadFields, type FileUploadRequest } from '@stack/files-api';

/*
 * Receiving an upload while its fields settle.
 */

/** Checks upload fields (in-process callers skip the route's validation). */
export function parseUploadFields(fields: unknown): FileUploadFields {
  const parsed = fileUploadFieldsSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatPath(issue.path) : 'purpose';
  throw new InvalidRequestError(`Invalid upload field '${param}': ${issue?.message ?? 'invalid value'}.`, { param, code: 'invalid_value' });
}

export interface ReceivedUpload {
  fields: FileUploadFields;
  /** How many bytes the stream handed over. */
  bytes: number;
}

/**
 * Hands an upload's bytes to `store` as they arrive, while its fields (possibly still on their
 * way) settle. Reading stops as soon as the fields are rejected or `signal` aborts, which fails
 * the source `store` is reading. Rejects with the first failure, in its own form: the stream's
 * error, the fields' error, or the abort reason; `store`'s own errors surface when nothing
 * failed before them. Removing what `store` wrote is the caller's business.
 */
export async function receiveUpload(
  request: FileUploadRequest,
  signal: AbortSignal | undefined,
  store: (source: AsyncIterable<Uint8Array>) => Promise<void>,
): Promise<ReceivedUpload> {
  const cancel = new AbortController();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    cancel.abort(failure.error);
  };
  const cancelled = new Promise<never>((_, reject) => {
    cancel.signal.addEventListener('abort', () => reject(cancel.signal.reason), { once: true });
  });
  cancelled.catch(() => undefined);
  const fields = Promise.resolve(request.fields).then(parseUploadFields);
  fields.catch(fail);
  const onAbort = () => fail(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  let bytes = 0;
  async function* source(): AsyncGenerator<Uint8Array> {
    if (failure) throw failure.error;
    const iterator = request.file.stream[Symbol.asyncIterator]();
    let ended = false;
    try {
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await Promise.race([iterator.next(), cancelled]);
        } catch (error) {
          fail(error);
          throw error;
        }
        if (step.done) {
          ended = true;
          return;
        }
        bytes += step.value.byteLength;
        yield step.value;
      }
    } finally {
      // Stop the sender; a stalled stream may never answer, so this is not awaited.
      if (!ended) Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }

  try {
    try {
      await store(source());
    } catch (error) {
      throw failure ? failure.error : error;
    }
    if (failure) throw failure.error;
    return { fields: await Promise.race([fields, cancelled]), bytes };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
