/** A clock the conformance suite moves by hand, so expiry can be checked without waiting. */
export interface TestClock {
  /** Epoch milliseconds; hand this function to the provider as its clock. */
  readonly now: () => number;
  /** `now()` in whole seconds, as `created_at` and `expires_at` count. */
  seconds(): number;
  /** Moves time forward; it never goes back. */
  advance(seconds: number): void;
}

/** A clock standing still at `startMs` (default: the current second) until advanced. */
export function createTestClock(startMs: number = Math.floor(Date.now() / 1000) * 1000): TestClock {
  let current = startMs;
  return {
    now: () => current,
    seconds: () => Math.floor(current / 1000),
    advance(seconds: number): void {
      if (!(seconds >= 0)) throw new RangeError(`A test clock only moves forward; got ${seconds} seconds.`);
      current += seconds * 1000;
    },
  };
}
