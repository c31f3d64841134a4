// CPU time of containers from the Docker engine's stats (one `GET /containers/{id}/stats` per
// container: the engine has no call for all of them). Asking costs the engine work per
// container, so a sample is reused for `minIntervalMs` and only `concurrency` requests are in
// flight at once; `one-shot` spares the engine its wait for a second reading (we keep our own).

import type Docker from 'dockerode';

export interface DockerCpuSamplerOptions {
  /** A sample younger than this is answered again instead of asking the engine (default 5 s). */
  readonly minIntervalMs?: number;
  /** Stats requests in flight at once (default 4). */
  readonly concurrency?: number;
}

export class DockerCpuSampler {
  private last: { atMs: number; micros: ReadonlyMap<string, number> } | undefined;
  private inFlight: Promise<ReadonlyMap<string, number>> | undefined;
  private readonly minIntervalMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly docker: Docker,
    o: DockerCpuSamplerOptions = {},
  ) {
    this.minIntervalMs = o.minIntervalMs ?? 5_000;
    this.concurrency = Math.max(1, o.concurrency ?? 4);
  }

  /** taskId → container id in; taskId → CPU microseconds used so far out (unanswered ones left out). */
  async sample(containers: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, number>> {
    const fresh = this.last && performance.now() - this.last.atMs < this.minIntervalMs ? this.last.micros : undefined;
    const all = fresh ?? (await (this.inFlight ??= this.ask(containers).finally(() => (this.inFlight = undefined))));
    const micros = new Map<string, number>();
    for (const taskId of containers.keys()) {
      const m = all.get(taskId);
      if (m !== undefined) micros.set(taskId, m);
    }
    return micros;
  }

  private async ask(containers: ReadonlyMap<string, string>): Promise<ReadonlyMap<string, number>> {
    const micros = new Map<string, number>();
    const queue = [...containers];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [taskId, containerId] = next;
        try {
          const stats = await this.docker.getContainer(containerId).stats({ stream: false, 'one-shot': true });
          const ns = stats.cpu_stats?.cpu_usage?.total_usage;
          if (typeof ns === 'number' && Number.isFinite(ns)) micros.set(taskId, ns / 1000);
        } catch {
          // Gone meanwhile, or the engine is busy: this task's CPU is unknown this time.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    this.last = { atMs: performance.now(), micros };
    return micros;
  }
}
