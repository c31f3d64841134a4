// chaos-results/<run>/nemesis.jsonl: one line per fault injected or healed, with the wall
// time and the milliseconds since the run started.

import { appendFileSync } from 'node:fs';

export interface NemesisEvent {
  readonly phase: 'inject' | 'heal' | 'error' | 'note';
  readonly kind: string;
  readonly [field: string]: unknown;
}

export class NemesisLog {
  readonly injected = new Map<string, number>();
  readonly errors: string[] = [];

  constructor(
    readonly file: string,
    readonly startMs: number,
    private readonly echo: (line: string) => void = () => {},
  ) {}

  write(e: NemesisEvent): void {
    const now = Date.now();
    appendFileSync(this.file, `${JSON.stringify({ time: new Date(now).toISOString(), elapsedMs: now - this.startMs, ...e })}\n`);
    if (e.phase === 'inject') this.injected.set(e.kind, (this.injected.get(e.kind) ?? 0) + 1);
    if (e.phase === 'error') this.errors.push(`${e.kind}: ${String(e.error)}`);
    const { phase, kind, ...rest } = e;
    this.echo(`nemesis +${((now - this.startMs) / 1000).toFixed(1)}s ${phase} ${kind} ${JSON.stringify(rest)}`);
  }
}
