/**
 * A first-come, first-served lock. A llama.cpp context sequence holds one conversation's tokens
 * at a time, so requests to a model take turns; a request whose signal aborts while it waits
 * leaves the line without ever running.
 */
export interface SequenceLock {
  /** Resolves with a release function once every earlier holder has released. */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

export function createSequenceLock(): SequenceLock {
  let tail: Promise<void> = Promise.resolve();

  return {
    acquire(signal) {
      signal?.throwIfAborted();
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => held);

      let released = false;
      const releaseOnce = () => {
        if (released) return;
        released = true;
        release();
      };

      return new Promise<() => void>((resolve, reject) => {
        const onAbort = () => {
          // Our turn is passed on to the next in line as soon as it comes.
          releaseOnce();
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        void previous.then(() => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) {
            releaseOnce();
            reject(signal.reason);
            return;
          }
          resolve(releaseOnce);
        });
      });
    },
  };
}
