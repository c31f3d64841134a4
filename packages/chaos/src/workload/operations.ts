// The workload's operations on the history's registers (history/event.ts), each recorded as an
// invoke and its completion:
//   create  write "created" to service:<name>   CreateService of a new, uniquely named service
//   write   write a unique value to label:<s>    UpdateService setting label chaos.v, no version
//   cas     cas [expected, new] on label:<s>     GetService (linearizable); a different label is
//                                                a `fail`; else UpdateService with its version
//   read    read label:<s> or service:<name>     GetService, linearizable or stale (`stale: true`)
// A completion is `ok` (applied / the value read), `fail` (certainly not applied) or `info`
// (unknown: the process then continues under a new number).

import { serviceSpecToWire, type WireService__Output } from '@shoal/wire';
import type { HistoryEvent, OpFunction, RegisterValue } from '../history/event.js';
import type { HistoryWriter } from '../history/writer.js';
import type { CallOutcome, ManagerCaller } from './manager-caller.js';

export const LABEL = 'chaos.v';

/** How long one call may take (a write's outcome is unknown past it). */
export const WRITE_TIMEOUT_MS = 4000;
export const READ_TIMEOUT_MS = 3000;

/** The label services' names (the keys label:<name>). */
export function labelServiceName(i: number): string {
  return `chaos-k${i}`;
}

/** A trivial process service: `replicas` tasks that sleep. */
export function trivialSpec(name: string, replicas: number, labels: Record<string, string> = {}): ReturnType<typeof serviceSpecToWire> {
  return serviceSpecToWire({
    name,
    replicas,
    labels,
    task: { runtime: 'process', command: ['sleep', 'infinity'], stopGracePeriodMs: 1000 },
  } as Parameters<typeof serviceSpecToWire>[0]);
}

type Completion = 'ok' | 'fail' | 'info';

/** What the clients share: the caller, the log, fresh process numbers and unique values. */
export class Workload {
  private processes: number;
  private unique = 0;
  /** Services some client asked to create (their reads are checkable from then on). */
  readonly created: string[] = [];
  /** Completion times (ms since start) of ok operations, for the unavailability windows. */
  readonly okTimes: number[] = [];
  readonly counts = new Map<string, number>();

  constructor(
    readonly caller: ManagerCaller,
    readonly log: HistoryWriter,
    readonly runId: string,
    readonly keys: number,
    clients: number,
  ) {
    this.processes = clients;
  }

  newProcess(): number {
    return this.processes++;
  }

  uniqueValue(process: number): string {
    return `${this.runId}-${process}-${this.unique++}`;
  }

  record(e: Omit<HistoryEvent, 'time'>): void {
    const written = this.log.append(e);
    if (e.type === 'invoke') return;
    const key = `${e.f}${e.stale ? '-stale' : ''}:${e.type}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (e.type === 'ok') this.okTimes.push(written.time / 1e6);
  }
}

/** One logical client: a process number that changes after each unknown outcome. */
export class Client {
  process: number;
  /** The last value this client saw per label key: its cas expectations. */
  private readonly seen = new Map<string, RegisterValue>();

  constructor(
    private readonly w: Workload,
    first: number,
    private readonly random: () => number,
  ) {
    this.process = first;
  }

  /** Records a completion; after an unknown outcome, continues as a new process. */
  private complete(type: Completion, f: OpFunction, key: string, value: HistoryEvent['value'], extra: { stale?: boolean; note?: string } = {}): void {
    this.w.record({ process: this.process, type, f, key, value, ...extra });
    if (type === 'info') this.process = this.w.newProcess();
  }

  private invoke(f: OpFunction, key: string, value: HistoryEvent['value'], stale?: boolean): void {
    this.w.record({ process: this.process, type: 'invoke', f, key, value, ...(stale ? { stale } : {}) });
  }

  private labelKey(): { key: string; service: string } {
    const service = labelServiceName(Math.floor(this.random() * this.w.keys));
    return { key: `label:${service}`, service };
  }

  /** A write's completion from its call's outcome. */
  private writeOutcome(o: CallOutcome<unknown>): { type: Completion; note: string } {
    if (o.kind === 'ok') return { type: 'ok', note: `by ${o.addr}` };
    return { type: o.kind === 'refused' ? 'fail' : 'info', note: `${o.code}: ${o.message}${o.addr ? ` (${o.addr})` : ''}` };
  }

  async step(): Promise<void> {
    const r = this.random();
    if (r < 0.1) return this.create();
    if (r < 0.35) return this.write();
    if (r < 0.6) return this.cas();
    if (r < 0.9) return this.read(false);
    return this.read(true);
  }

  async create(): Promise<void> {
    const name = `chaos-c-${this.w.uniqueValue(this.process)}`;
    const key = `service:${name}`;
    this.w.created.push(name);
    this.invoke('write', key, 'created');
    const o = await this.w.caller.write('CreateService', { spec: trivialSpec(name, 0) }, WRITE_TIMEOUT_MS);
    const { type, note } = this.writeOutcome(o);
    this.complete(type, 'write', key, 'created', { note });
  }

  async write(): Promise<void> {
    const { key, service } = this.labelKey();
    const value = this.w.uniqueValue(this.process);
    this.invoke('write', key, value);
    const o = await this.w.caller.write('UpdateService', { service, version: '0', spec: { labels: { entries: { [LABEL]: value } } } }, WRITE_TIMEOUT_MS);
    const { type, note } = this.writeOutcome(o);
    if (type === 'ok') this.seen.set(key, value);
    this.complete(type, 'write', key, value, { note });
  }

  async cas(): Promise<void> {
    const { key, service } = this.labelKey();
    const expected = this.seen.get(key) ?? null;
    const value = this.w.uniqueValue(this.process);
    const pair = [expected, value] as const;
    this.invoke('cas', key, pair);
    // The compare: a linearizable read. A different value, or no answer, changes nothing.
    const got = await this.w.caller.read('GetService', { service, read: { stale: false } }, READ_TIMEOUT_MS);
    if (got.kind !== 'ok') return this.complete('fail', 'cas', key, pair, { note: `read before cas: ${got.code}: ${got.message}` });
    const current = labelOf(got.value);
    if (current !== expected) {
      this.seen.set(key, current);
      return this.complete('fail', 'cas', key, pair, { note: `holds ${JSON.stringify(current)}` });
    }
    const o = await this.w.caller.write(
      'UpdateService',
      { service, version: got.value.version, spec: { labels: { entries: { ...got.value.spec?.labels?.entries, [LABEL]: value } } } },
      WRITE_TIMEOUT_MS,
    );
    const { type, note } = this.writeOutcome(o);
    if (type === 'ok') this.seen.set(key, value);
    this.complete(type, 'cas', key, pair, { note });
  }

  async read(stale: boolean): Promise<void> {
    const created = this.w.created;
    const ofService = created.length > 0 && this.random() < 0.25;
    const service = ofService ? created[Math.floor(this.random() * created.length)]! : this.labelKey().service;
    const key = ofService ? `service:${service}` : `label:${service}`;
    this.invoke('read', key, null, stale);
    const extra = stale ? { stale } : {};
    const o = await this.w.caller.read('GetService', { service, read: { stale } }, READ_TIMEOUT_MS);
    if (o.kind === 'ok') {
      const value = ofService ? 'created' : labelOf(o.value);
      if (!ofService && !stale) this.seen.set(key, value);
      return this.complete('ok', 'read', key, value, { ...extra, note: `by ${o.addr}` });
    }
    // The service does not exist on that manager: the register is absent there.
    if (o.code === 'NOT_FOUND') return this.complete('ok', 'read', key, null, { ...extra, note: `not found by ${o.addr}` });
    // A read changes nothing: a failed one is a `fail` whatever happened.
    this.complete('fail', 'read', key, null, { ...extra, note: `${o.code}: ${o.message}` });
  }
}

function labelOf(s: WireService__Output): RegisterValue {
  return s.spec?.labels?.entries?.[LABEL] ?? null;
}
