// Time as a control loop sees it. The system clock in production; tests pass a clock they move
// themselves, so "nothing happens for a while" is checked by moving time, not by sleeping.

export interface LoopClock {
  /** Milliseconds, on the same scale as Date.now(). */
  now(): number;
  /** Calls `fn` once `ms` have passed on this clock; returns a cancel. Never keeps the process alive. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: LoopClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
