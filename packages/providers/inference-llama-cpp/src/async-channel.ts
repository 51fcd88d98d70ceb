/**
 * Turns llama.cpp's callbacks (`onTextChunk`) into an async iterable: the producer pushes, the
 * consumer pulls, and whatever arrives before the consumer asks is buffered.
 */
export interface AsyncChannel<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
  fail(error: unknown): void;
}

export function createAsyncChannel<T>(): AsyncChannel<T> {
  const buffered: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };

  return {
    push(item) {
      if (finished) return;
      buffered.push(item);
      notify();
    },
    end() {
      finished = true;
      notify();
    },
    fail(error) {
      if (finished) return;
      failure = { error };
      finished = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (buffered.length > 0) {
          yield buffered.shift() as T;
          continue;
        }
        if (failure) throw failure.error;
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
