// The runner's side of probe-main: control API calls made from inside the client namespace.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeModuleArgs } from './node-command.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface ProbeCallOptions {
  readonly hosts: readonly string[];
  readonly timeoutMs?: number;
  readonly write?: boolean;
}

export class Probe {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';

  constructor(ns: string, certs: string) {
    this.child = spawn('ip', ['netns', 'exec', ns, ...nodeModuleArgs(new URL('./probe-main', import.meta.url)), '--certs', certs], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SHOAL_HOST: '', SHOAL_CERTS: '' },
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let msg: { id: number; ok: boolean; result?: unknown; error?: string };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'probe call failed'));
    });
    this.child.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the probe process exited (code ${code}): ${this.stderr.trim()}`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls a Control method (ClusterInfo, CreateService, JoinToken, ListNodes…) through the client namespace. */
  call<T = Record<string, unknown>>(method: string, request: unknown, o: ProbeCallOptions): Promise<T> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.reject(new Error(`the probe process is gone: ${this.stderr.trim()}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, method, request, hosts: o.hosts, timeoutMs: o.timeoutMs, write: o.write })}\n`);
    });
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
