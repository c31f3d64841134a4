// Steady service churn through the control API, as operators would cause it: several clients
// at once create, scale, update (a rolling update) and remove small services of `sleep`
// process replicas, a few operations per second in all. Each client keeps its own services,
// so one client's remove never makes another's update fail. Every request is recorded with
// its outcome: the failover times and the failed requests come from these records.

import { serviceSpecToWire } from '@shoal/wire';
import type { LocalCluster } from '../lib/cluster.js';
import { sleepWhile } from './sampler.js';

export type ChurnOp = 'create' | 'scale' | 'update' | 'remove';

export interface RequestRecord {
  readonly client: number;
  readonly op: ChurnOp;
  readonly service: string;
  /** Seconds since the soak started. */
  readonly invokedAt: number;
  readonly completedAt: number;
  readonly ok: boolean;
  /** The error code (NO_QUORUM, UNAVAILABLE, NOT_FOUND, ...) and message of a failed request. */
  readonly code?: string;
  readonly error?: string;
}

/** What a client believes of one of its services (what it last asked for). */
interface OwnService {
  readonly name: string;
  replicas: number;
  generation: number;
}

const MAX_SERVICES_PER_CLIENT = 3;
const MAX_REPLICAS = 3;
const WRITE_TIMEOUT_MS = 8000;
/**
 * Errors after which a create certainly did not happen. Not NAME_TAKEN: names are unique, so
 * that is our own create, applied before its connection dropped and sent again by the client.
 */
const DEFINITE_REFUSALS = new Set(['NO_QUORUM', 'INVALID_ARGUMENT', 'FAILED_PRECONDITION']);

function sleepSpec(s: OwnService): Parameters<typeof serviceSpecToWire>[0] {
  return {
    name: s.name,
    replicas: s.replicas,
    task: { runtime: 'process', command: ['sleep', '3600'], env: { SOAK_GENERATION: String(s.generation) }, stopGracePeriodMs: 1000 },
    labels: { 'soak.owner': 'churn' },
  } as Parameters<typeof serviceSpecToWire>[0];
}

export class ServiceChurn {
  readonly records: RequestRecord[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private nextName = 0;

  constructor(
    private readonly cluster: LocalCluster,
    private readonly startedAt: number,
    private readonly clients: number,
    private readonly pauseMs: number,
  ) {}

  start(): void {
    this.running = true;
    for (let c = 1; c <= this.clients; c++) this.loops.push(this.clientLoop(c));
  }

  /** Stops issuing operations and waits for those in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private now(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  private async clientLoop(client: number): Promise<void> {
    // Its own connection: one client stuck on a dead manager does not hold the others.
    const conn = this.cluster.client(this.cluster.hosts);
    const own: OwnService[] = [];
    try {
      await sleepWhile(() => this.running, Math.random() * this.pauseMs); // spread the clients out
      while (this.running) {
        const { op, service } = this.pick(client, own);
        const invokedAt = this.now();
        try {
          const spec = serviceSpecToWire(sleepSpec(service));
          if (op === 'create') await conn.call('CreateService', { spec }, { write: true, timeoutMs: WRITE_TIMEOUT_MS });
          else if (op === 'remove') await conn.call('RemoveService', { service: service.name }, { write: true, timeoutMs: WRITE_TIMEOUT_MS });
          else await conn.call('UpdateService', { service: service.name, version: '0', spec }, { write: true, timeoutMs: WRITE_TIMEOUT_MS });
          this.records.push({ client, op, service: service.name, invokedAt, completedAt: this.now(), ok: true });
          this.settle(own, op, service, true);
        } catch (e) {
          const err = e as Error & { code?: string };
          const code = typeof err.code === 'string' ? err.code : 'ERROR';
          this.records.push({ client, op, service: service.name, invokedAt, completedAt: this.now(), ok: false, code, error: err.message });
          this.settle(own, op, service, false, code);
        }
        await sleepWhile(() => this.running, this.pauseMs * (0.5 + Math.random()));
      }
    } finally {
      conn.close();
    }
  }

  /** The next operation: create while the client has few services, else any of the four. */
  private pick(client: number, own: OwnService[]): { op: ChurnOp; service: OwnService } {
    const r = Math.random();
    if (own.length === 0 || (own.length < MAX_SERVICES_PER_CLIENT && r < 0.3)) {
      return { op: 'create', service: { name: `soak-c${client}-${++this.nextName}`, replicas: 1 + Math.floor(Math.random() * MAX_REPLICAS), generation: 0 } };
    }
    const service = own[Math.floor(Math.random() * own.length)]!;
    if (r < 0.55)
      return { op: 'scale', service: { ...service, replicas: 1 + ((service.replicas + Math.floor(Math.random() * (MAX_REPLICAS - 1))) % MAX_REPLICAS) } };
    if (r < 0.8) return { op: 'update', service: { ...service, generation: service.generation + 1 } };
    return { op: 'remove', service };
  }

  /**
   * Keeps the client's view of its services. A create whose outcome is unknown may still have
   * happened: its service is kept (a later operation finds out); NOT_FOUND means it is gone.
   */
  private settle(own: OwnService[], op: ChurnOp, wanted: OwnService, ok: boolean, code?: string): void {
    const i = own.findIndex((s) => s.name === wanted.name);
    if (code === 'NOT_FOUND' || (op === 'remove' && ok)) {
      if (i >= 0) own.splice(i, 1);
      return;
    }
    if (op === 'create') {
      if (ok || !DEFINITE_REFUSALS.has(code ?? '')) own.push({ ...wanted });
      return;
    }
    if (ok && i >= 0) own[i] = { ...wanted };
  }
}
