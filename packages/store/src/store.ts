// The cluster state machine. Every manager applies the same committed entries in the same
// order and must reach the same state, so apply is deterministic (no clock, no randomness:
// `at` and ids come inside the command) and a refused command is a result, not an exception.

import { canonicalJson, seal } from './canonical.js';
import { decodeCommand, parseCommand, type Command, type TasksApplyCommand } from './commands.js';
import { StoreError, type StoreErrorCode } from './errors.js';
import { Watchers, type ChangeEvent, type StoreListener } from './events.js';
import { checkCluster, checkNode, type ClusterObject, type NodeObject, type StoredObject } from './objects.js';
import type { ServiceObject, TaskSpec } from './services.js';
import { Checker } from './shape.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';
import { Table } from './table.js';
import { TASK_INDEX_KEYS, type TaskIndex, type TaskObject } from './tasks.js';
import { decide, decideTaskBatch, type Change, type State, type TaskItemFailure } from './transitions.js';

export type ApplyResult =
  { readonly ok: true; readonly value?: unknown } | { readonly ok: false; readonly error: { readonly code: StoreErrorCode; readonly message: string } };

/** The value of an applied tasks.apply: the items that were skipped, in item order. */
export interface TasksApplyResult {
  readonly failed: readonly TaskItemFailure[];
}

/** Everything a reader may do; objects handed out are frozen. */
export interface StoreView {
  /** The index of the last entry applied (refused ones included); 0 for an empty store. */
  readonly appliedIndex: number;
  /** Throws NOT_FOUND on a store not yet initialized or restored. */
  cluster(): ClusterObject;
  getNode(id: string): NodeObject | undefined;
  /** Sorted by name. */
  nodes(): readonly NodeObject[];
  /** Exact id, else exact name (case-insensitive), else a unique id prefix. */
  findNode(ref: string): NodeObject;
  /** Sorted by name. */
  services(): readonly ServiceObject[];
  getService(id: string): ServiceObject | undefined;
  /** Exact id, else exact name (case-insensitive), else a unique id prefix. */
  findService(ref: string): ServiceObject;
  /** Sorted by name. */
  tasks(): readonly TaskObject[];
  getTask(id: string): TaskObject | undefined;
  /** The service's tasks (also after it was removed, until they are), sorted by name; costs what it returns. */
  tasksOfService(serviceId: string): readonly TaskObject[];
  /** The tasks assigned to the node, sorted by name; costs what it returns. */
  tasksOfNode(nodeId: string): readonly TaskObject[];
}

export class ClusterStore implements StoreView {
  private nodeTable = new Table<NodeObject>('node');
  private serviceTable = new Table<ServiceObject>('service');
  private taskTable = new Table<TaskObject, TaskIndex>('task', TASK_INDEX_KEYS);
  private clusterObject: ClusterObject | undefined;
  private applied = 0;
  private readonly watchers = new Watchers();

  /**
   * An empty store: no cluster, applied index 0. A manager that joins an existing cluster
   * holds one of these until Raft installs a snapshot into it (replaceWith).
   */
  constructor() {}

  /** The snapshot a brand-new cluster's Raft group is bootstrapped from (at `index`). */
  static initial(cluster: ClusterObject, firstNode: NodeObject, index = 1): Uint8Array {
    const c = new Checker('INVALID_ARGUMENT', 'initial cluster state');
    c.integer(index, 'index', 1);
    const node = checkNode(c, { ...firstNode, version: index }, 'firstNode');
    if (node.role !== 'manager') c.fail('firstNode.role', 'must be "manager": the node that creates a cluster is its first manager');
    return encodeSnapshot({ appliedIndex: index, cluster: checkCluster(c, { ...cluster, version: index }, 'cluster'), nodes: [node], services: [], tasks: [] });
  }

  /** Validates snapshot bytes (throws StoreError CORRUPT_SNAPSHOT) and builds a store from them. */
  static restore(data: Uint8Array): ClusterStore {
    const content = decodeSnapshot(data);
    const store = new ClusterStore();
    store.applied = content.appliedIndex;
    store.clusterObject = content.cluster ? seal(content.cluster) : undefined;
    for (const node of content.nodes) store.nodeTable.put(seal(node));
    for (const service of content.services) store.serviceTable.put(seal(service));
    // Tasks made from the same spec share one object again, as they did where they were
    // created: less memory, and taskSpecIsCurrent stays one comparison.
    const specs = new Map<string, TaskSpec>();
    for (const service of store.serviceTable.all()) specs.set(canonicalJson(service.spec.task), service.spec.task);
    for (const task of content.tasks) {
      const key = canonicalJson(task.spec);
      const spec = specs.get(key) ?? seal(task.spec);
      specs.set(key, spec);
      store.taskTable.put(seal({ ...task, spec }));
    }
    return store;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Applies one committed command at its Raft index. A refused command (unknown id, stale
   * version, name taken, malformed) changes nothing but the applied index and returns
   * ok: false. Throws only when the caller breaks the protocol: an index that is not past
   * appliedIndex, or an apply from inside a watch listener.
   */
  apply(cmd: Command, index: number): ApplyResult {
    this.checkIndex(index);
    let parsed: Command;
    try {
      parsed = parseCommand(cmd); // the caller's object may be malformed or mutated later
    } catch (e) {
      return this.refuse(e, index);
    }
    return this.applyValid(parsed, index);
  }

  /** Decodes a Raft entry's data and applies it; undecodable data is refused, not thrown. */
  applyEntry(data: Uint8Array, index: number): ApplyResult {
    this.checkIndex(index);
    let cmd: Command;
    try {
      cmd = decodeCommand(data);
    } catch (e) {
      return this.refuse(e, index);
    }
    return this.applyValid(cmd, index);
  }

  /**
   * Takes over another store's whole state (a Raft snapshot was installed) and tells watchers
   * with a 'restore' event. `other` stays independent.
   */
  replaceWith(other: ClusterStore): void {
    this.checkNotEmitting('replaceWith');
    this.nodeTable = other.nodeTable.clone();
    this.serviceTable = other.serviceTable.clone();
    this.taskTable = other.taskTable.clone();
    this.clusterObject = other.clusterObject;
    this.applied = other.applied;
    this.watchers.emit([{ kind: 'restore', index: this.applied }]);
  }

  private state(): State {
    return { nodes: this.nodeTable, services: this.serviceTable, tasks: this.taskTable, cluster: this.clusterObject };
  }

  private applyValid(cmd: Command, index: number): ApplyResult {
    if (cmd.type === 'tasks.apply') return this.applyTaskBatch(cmd, index);
    const decision = decide(this.state(), cmd, index);
    if (decision instanceof StoreError) return this.refuse(decision, index);
    const changes = decision.map((c) => this.commit(c));
    this.applied = index;
    this.watchers.emit(changes);
    const [first] = changes;
    return first ? { ok: true, value: first.object } : { ok: true };
  }

  /** Items apply one by one, each seeing the ones before; the command itself always applies. */
  private applyTaskBatch(cmd: TasksApplyCommand, index: number): ApplyResult {
    const changes: Change[] = [];
    const failed: TaskItemFailure[] = [];
    for (const outcome of decideTaskBatch(this.state(), cmd, index)) {
      if (Array.isArray(outcome)) {
        for (const change of outcome as readonly Change[]) changes.push(this.commit(change));
      } else {
        failed.push(Object.freeze(outcome as TaskItemFailure));
      }
    }
    this.applied = index;
    this.watchers.emit(changes);
    const value: TasksApplyResult = Object.freeze({ failed: Object.freeze(failed) });
    return { ok: true, value };
  }

  /** Stores the change's object in canonical form and returns the event announcing it. */
  private commit(change: Change): Change {
    switch (change.kind) {
      case 'cluster': {
        const object = seal(change.object);
        this.clusterObject = object;
        return Object.freeze({ ...change, object });
      }
      case 'node':
        return commitTo(this.nodeTable, change);
      case 'service':
        return commitTo(this.serviceTable, change);
      case 'task':
        return commitTo(this.taskTable, change);
    }
  }

  private refuse(e: unknown, index: number): ApplyResult {
    if (!(e instanceof StoreError)) throw e; // a bug in the store, not a bad command
    this.applied = index;
    return { ok: false, error: e.toJSON() };
  }

  private checkIndex(index: number): void {
    this.checkNotEmitting('apply');
    if (!Number.isSafeInteger(index) || index <= this.applied) {
      throw new StoreError(
        'INVALID_ARGUMENT',
        `entry index ${index} is not after the applied index ${this.applied}; apply each committed entry once, in log order`,
      );
    }
  }

  // Listeners see state mid-sequence; a nested write would interleave its events with the
  // ones being delivered. Controllers propose through Raft instead.
  private checkNotEmitting(what: string): void {
    if (this.watchers.busy) {
      throw new StoreError('INVALID_ARGUMENT', `${what} called from a watch listener; propose a command through Raft instead`);
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  cluster(): ClusterObject {
    if (this.clusterObject) return this.clusterObject;
    throw new StoreError('NOT_FOUND', 'this store has no cluster yet (not initialized or restored from a snapshot); wait for the manager to catch up');
  }

  getNode(id: string): NodeObject | undefined {
    return this.nodeTable.get(id);
  }

  nodes(): readonly NodeObject[] {
    return this.nodeTable.all();
  }

  findNode(ref: string): NodeObject {
    return this.nodeTable.find(ref);
  }

  services(): readonly ServiceObject[] {
    return this.serviceTable.all();
  }

  getService(id: string): ServiceObject | undefined {
    return this.serviceTable.get(id);
  }

  findService(ref: string): ServiceObject {
    return this.serviceTable.find(ref);
  }

  tasks(): readonly TaskObject[] {
    return this.taskTable.all();
  }

  getTask(id: string): TaskObject | undefined {
    return this.taskTable.get(id);
  }

  tasksOfService(serviceId: string): readonly TaskObject[] {
    return this.taskTable.lookup('service', serviceId);
  }

  tasksOfNode(nodeId: string): readonly TaskObject[] {
    return this.taskTable.lookup('node', nodeId);
  }

  snapshot(): Uint8Array {
    return encodeSnapshot({
      appliedIndex: this.applied,
      cluster: this.clusterObject ?? null,
      nodes: this.nodeTable.all(),
      services: this.serviceTable.all(),
      tasks: this.taskTable.all(),
    });
  }

  /** A short text view for logs and failing tests. */
  describe(): string {
    const lines = [`applied ${this.applied}, cluster ${this.clusterObject ? `${this.clusterObject.name} v${this.clusterObject.version}` : '(none)'}`];
    for (const n of this.nodeTable.all()) {
      const raft = n.raftRole ? `/${n.raftRole}` : '';
      lines.push(`  ${n.name.padEnd(16)} ${n.id} ${n.role}${raft} ${n.availability} ${n.status.state} v${n.version}`);
    }
    for (const s of this.serviceTable.all()) {
      const tasks = this.tasksOfService(s.id);
      const running = tasks.filter((t) => t.desiredState === 'running' && t.status.state === 'running').length;
      const want = s.spec.mode === 'replicated' ? `${s.spec.replicas} replicas` : 'global';
      lines.push(`  service ${s.name.padEnd(8)} ${s.id} ${want}, ${running}/${tasks.length} tasks running v${s.version}`);
    }
    return lines.join('\n');
  }

  // ---- watches -----------------------------------------------------------------------------

  /** Calls `listener` synchronously after each successful apply and on replaceWith. */
  watch(listener: StoreListener): () => void {
    return this.watchers.add(listener);
  }

  /**
   * Reads a consistent view and subscribes in one step, as SwarmKit's ViewAndWatch: the
   * listener receives exactly the events after the state `read` saw (index > the view's
   * appliedIndex), none missed and none repeated. `read` must not keep the view: it is the
   * live store, consistent only while `read` runs.
   */
  viewAndWatch<R>(read: (view: StoreView) => R, listener: StoreListener): { result: R; unsubscribe: () => void } {
    // apply is synchronous, so nothing can happen between the read and the subscription.
    const unsubscribe = this.watchers.add(listener);
    try {
      return { result: read(this), unsubscribe };
    } catch (e) {
      unsubscribe();
      throw e;
    }
  }
}

function commitTo<K extends string, T extends StoredObject, I extends string>(table: Table<T, I>, change: ChangeEvent<K, T>): ChangeEvent<K, T> {
  if (change.action === 'remove') {
    table.delete(change.object.id);
    return Object.freeze(change); // its object is the one that was stored: already sealed
  }
  const object = seal(change.object);
  table.put(object);
  return Object.freeze({ ...change, object });
}
