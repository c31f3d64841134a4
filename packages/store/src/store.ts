// The cluster state machine. Every manager applies the same committed entries in the same
// order and must reach the same state, so apply is deterministic (no clock, no randomness:
// `at` and ids come inside the command) and a refused command is a result, not an exception.

import { seal } from './canonical.js';
import { decodeCommand, parseCommand, type Command } from './commands.js';
import { StoreError, type StoreErrorCode } from './errors.js';
import { Watchers, type StoreListener } from './events.js';
import { checkCluster, checkNode, type ClusterObject, type NodeObject } from './objects.js';
import { Checker } from './shape.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';
import { Table } from './table.js';
import { decide, type Change } from './transitions.js';

export type ApplyResult =
  | { readonly ok: true; readonly value?: unknown }
  | { readonly ok: false; readonly error: { readonly code: StoreErrorCode; readonly message: string } };

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
}

export class ClusterStore implements StoreView {
  private nodeTable = new Table<NodeObject>('node');
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
    return encodeSnapshot({ appliedIndex: index, cluster: checkCluster(c, { ...cluster, version: index }, 'cluster'), nodes: [node] });
  }

  /** Validates snapshot bytes (throws StoreError CORRUPT_SNAPSHOT) and builds a store from them. */
  static restore(data: Uint8Array): ClusterStore {
    const content = decodeSnapshot(data);
    const store = new ClusterStore();
    store.applied = content.appliedIndex;
    store.clusterObject = content.cluster ? seal(content.cluster) : undefined;
    for (const node of content.nodes) store.nodeTable.put(seal(node));
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
    this.clusterObject = other.clusterObject;
    this.applied = other.applied;
    this.watchers.emit([{ kind: 'restore', index: this.applied }]);
  }

  private applyValid(cmd: Command, index: number): ApplyResult {
    const decision = decide({ nodes: this.nodeTable, cluster: this.clusterObject }, cmd, index);
    if (decision instanceof StoreError) return this.refuse(decision, index);
    const changes = decision.map((c) => this.commit(c));
    this.applied = index;
    this.watchers.emit(changes);
    const [first] = changes;
    return first ? { ok: true, value: first.object } : { ok: true };
  }

  /** Stores the change's object in canonical form and returns the event announcing it. */
  private commit(change: Change): Change {
    if (change.kind === 'cluster') {
      const object = seal(change.object);
      this.clusterObject = object;
      return Object.freeze({ ...change, object });
    }
    if (change.action === 'remove') {
      this.nodeTable.delete(change.object.id);
      return Object.freeze(change); // its object is the one that was stored: already sealed
    }
    const object = seal(change.object);
    this.nodeTable.put(object);
    return Object.freeze({ ...change, object });
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

  snapshot(): Uint8Array {
    return encodeSnapshot({ appliedIndex: this.applied, cluster: this.clusterObject ?? null, nodes: this.nodeTable.all() });
  }

  /** A short text view for logs and failing tests. */
  describe(): string {
    const lines = [`applied ${this.applied}, cluster ${this.clusterObject ? `${this.clusterObject.name} v${this.clusterObject.version}` : '(none)'}`];
    for (const n of this.nodeTable.all()) {
      const raft = n.raftRole ? `/${n.raftRole}` : '';
      lines.push(`  ${n.name.padEnd(16)} ${n.id} ${n.role}${raft} ${n.availability} ${n.status.state} v${n.version}`);
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
