// Histories of a real linearizable register (one per key) under random concurrency: each client
// invokes, its operation takes effect at a random later instant (or never, for fail and some
// info outcomes), then completes. The checker must accept every such history.

import type { HistoryEvent, OpFunction, RegisterValue } from '../src/history/event.js';

export interface SimulationOptions {
  readonly seed: number;
  readonly clients: number;
  readonly operations: number;
  readonly keys: number;
  /** Chance that an operation fails (not applied) / ends info (applied or not). */
  readonly failRate?: number;
  readonly infoRate?: number;
  /** Chance that a read is a `--stale` read (which may return any earlier value). */
  readonly staleRate?: number;
}

/** mulberry32: a small deterministic PRNG, so a seed replays a history. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface InFlight {
  readonly f: OpFunction;
  readonly key: string;
  readonly value: HistoryEvent['value'];
  readonly stale: boolean;
  decided: boolean;
  outcome: 'ok' | 'fail' | 'info';
  read?: RegisterValue;
}

export function simulateRegister(o: SimulationOptions): HistoryEvent[] {
  const rand = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const keys = Array.from({ length: o.keys }, (_, i) => `k${i}`);
  const state = new Map<string, RegisterValue>(keys.map((k) => [k, null]));
  const past = new Map<string, RegisterValue[]>(keys.map((k) => [k, [null]]));
  const clients: { process: number; op?: InFlight }[] = Array.from({ length: o.clients }, (_, i) => ({ process: i }));
  let nextProcess = o.clients;
  let nextValue = 0;
  let started = 0;
  let time = 0;
  const events: HistoryEvent[] = [];
  const emit = (e: Omit<HistoryEvent, 'time'>): void => {
    time += 1 + Math.floor(rand() * 1000);
    events.push({ ...e, time });
  };

  while (started < o.operations || clients.some((c) => c.op)) {
    const c = pick(clients);
    const op = c.op;
    if (!op) {
      if (started >= o.operations) continue;
      started++;
      const key = pick(keys);
      const f = pick<OpFunction>(['read', 'read', 'write', 'cas']);
      const stale = f === 'read' && rand() < (o.staleRate ?? 0);
      const value: HistoryEvent['value'] =
        f === 'read' ? null : f === 'write' ? `v${nextValue++}` : [rand() < 0.6 ? state.get(key)! : pick(past.get(key)!), `v${nextValue++}`];
      c.op = { f, key, value, stale, decided: false, outcome: 'ok' };
      emit({ process: c.process, type: 'invoke', f, key, value, ...(stale ? { stale } : {}) });
    } else if (!op.decided) {
      // The linearization point (or the decision that it never takes effect).
      op.decided = true;
      const roll = rand();
      const failed = roll < (o.failRate ?? 0);
      const info = !failed && roll < (o.failRate ?? 0) + (o.infoRate ?? 0);
      const applies = !failed && (!info || rand() < 0.5);
      op.outcome = failed ? 'fail' : info ? 'info' : 'ok';
      if (!applies) continue;
      const current = state.get(op.key)!;
      if (op.f === 'read') op.read = op.stale ? pick(past.get(op.key)!) : current;
      else if (op.f === 'write') state.set(op.key, op.value as string);
      else {
        const [expected, next] = op.value as [RegisterValue, RegisterValue];
        if (expected === current) state.set(op.key, next);
        else if (op.outcome === 'ok') op.outcome = 'fail';
      }
      if (op.f !== 'read' && state.get(op.key) !== current) past.get(op.key)!.push(state.get(op.key)!);
    } else {
      if (started >= o.operations && rand() < 0.05) {
        c.op = undefined; // never heard back: stays pending
        c.process = nextProcess++;
        continue;
      }
      const value = op.f === 'read' ? (op.outcome === 'ok' ? (op.read ?? null) : null) : op.value;
      emit({ process: c.process, type: op.outcome, f: op.f, key: op.key, value, ...(op.stale ? { stale: true } : {}) });
      c.op = undefined;
      if (op.outcome === 'info') c.process = nextProcess++;
    }
  }
  return events;
}
