// What the workload reports besides the history: the windows in which no operation succeeded,
// and the seeded choice of operations.

/** A span of the run with no successful operation at least this long is reported. */
export const UNAVAILABLE_MIN_MS = 1000;

export interface UnavailableWindow {
  /** Milliseconds since the run started. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly ms: number;
}

/** The gaps of at least UNAVAILABLE_MIN_MS between successes (and before the first, after the last). */
export function unavailableWindows(okTimesMs: readonly number[], startMs: number, endMs: number): UnavailableWindow[] {
  const times = [startMs, ...[...okTimesMs].sort((a, b) => a - b), endMs];
  const windows: UnavailableWindow[] = [];
  for (let i = 1; i < times.length; i++) {
    const ms = times[i]! - times[i - 1]!;
    if (ms >= UNAVAILABLE_MIN_MS) windows.push({ fromMs: Math.round(times[i - 1]! - startMs), toMs: Math.round(times[i]! - startMs), ms: Math.round(ms) });
  }
  return windows;
}

/** mulberry32: a small seeded generator, so a run's choice of operations can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
