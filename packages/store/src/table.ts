// One kind of object: a map by id plus the unique-name index. Names are unique per kind and
// compared case-insensitively (as SwarmKit's memdb does), so "Web" and "web" cannot both exist.
// A table may keep secondary indexes (tasks by service, by node): the scheduler asks "tasks of
// node X" constantly over thousands of tasks, so those reads must cost what they return.
// The table holds frozen objects and hands them out as they are: callers cannot mutate the
// store, and reads need no copying. It only stores; deciding whether a change is allowed is
// the command's job, using the check* helpers here.

import { StoreError } from './errors.js';
import type { StoredObject } from './objects.js';

/** For each index, the key an object is filed under; undefined leaves it out of that index. */
export type IndexKeys<T, I extends string> = { readonly [K in I]: (obj: T) => string | undefined };

/** The objects filed under one key, with a sorted copy cached until the next change to them. */
interface Bucket<T> {
  readonly members: Map<string, T>;
  sorted: readonly T[] | undefined;
}

const NONE: readonly never[] = Object.freeze([]);

export class Table<T extends StoredObject, I extends string = never> {
  private readonly byId = new Map<string, T>();
  private readonly idByName = new Map<string, string>();
  private sorted: readonly T[] | undefined; // cache for all(); dropped on every write
  private readonly indexes: readonly { readonly name: I; readonly key: (obj: T) => string | undefined; readonly buckets: Map<string, Bucket<T>> }[];

  /** `kind` names the objects in messages: "node", "service", "task". */
  constructor(
    readonly kind: string,
    private readonly indexKeys: IndexKeys<T, I> = {} as IndexKeys<T, I>,
  ) {
    this.indexes = (Object.keys(indexKeys) as I[]).map((name) => ({ name, key: indexKeys[name], buckets: new Map() }));
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  getByName(name: string): T | undefined {
    const id = this.idByName.get(nameKey(name));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Every object, sorted by name. */
  all(): readonly T[] {
    this.sorted ??= sortedByName(this.byId.values());
    return this.sorted;
  }

  /** The objects filed under `key` in `index`, sorted by name; costs what it returns. */
  lookup(index: I, key: string): readonly T[] {
    const bucket = this.bucketsOf(index).get(key);
    if (!bucket) return NONE;
    bucket.sorted ??= sortedByName(bucket.members.values());
    return bucket.sorted;
  }

  /** How many objects are filed under `key` in `index`. */
  count(index: I, key: string): number {
    return this.bucketsOf(index).get(key)?.members.size ?? 0;
  }

  /** The keys of `index` that have objects, sorted (for consistency checks and debugging). */
  indexKeysOf(index: I): string[] {
    return [...this.bucketsOf(index).keys()].sort();
  }

  private bucketsOf(index: I): Map<string, Bucket<T>> {
    const found = this.indexes.find((x) => x.name === index);
    if (!found) throw new Error(`${this.kind} table has no index "${index}"`);
    return found.buckets;
  }

  /** Exact id, else exact name, else a unique id prefix. */
  find(ref: string): T {
    if (ref === '') throw new StoreError('INVALID_ARGUMENT', `${this.kind} reference is empty; give an id, a name or an id prefix`);
    const exact = this.byId.get(ref) ?? this.getByName(ref);
    if (exact) return exact;
    const matches = sortedByName([...this.byId.values()].filter((o) => o.id.startsWith(ref)));
    const [only] = matches;
    if (matches.length === 1 && only) return only;
    if (matches.length === 0) {
      throw new StoreError('NOT_FOUND', `no ${this.kind} matches "${ref}"; see \`shoal ${this.kind} ls\``);
    }
    const shown = matches.slice(0, 5).map((o) => `${o.id} (${o.name})`);
    if (matches.length > shown.length) shown.push(`and ${matches.length - shown.length} more`);
    throw new StoreError('INVALID_ARGUMENT', `${this.kind} prefix "${ref}" matches ${matches.length} ${this.kind}s: ${shown.join(', ')}; use more characters`);
  }

  // ---- checks a command makes before it changes anything --------------------------------

  /** The object to update or remove, or NOT_FOUND. */
  existing(id: string): T | StoreError {
    return this.byId.get(id) ?? new StoreError('NOT_FOUND', `no ${this.kind} has id "${id}"; it may have been removed — see \`shoal ${this.kind} ls\``);
  }

  /** Why `obj` cannot be inserted, if it cannot. */
  insertProblem(obj: T): StoreError | undefined {
    if (this.byId.has(obj.id)) {
      return new StoreError('ALREADY_EXISTS', `a ${this.kind} with id "${obj.id}" already exists; generate a new id`);
    }
    return this.nameProblem(obj.name, obj.id);
  }

  /** Why the object `id` cannot be called `name`, if it cannot. */
  nameProblem(name: string, id: string): StoreError | undefined {
    const owner = this.getByName(name);
    if (owner && owner.id !== id) {
      return new StoreError(
        'NAME_TAKEN',
        `${this.kind} name "${name}" is already used by ${this.kind} ${owner.id} ("${owner.name}"); choose another name or remove that ${this.kind} first`,
      );
    }
    return undefined;
  }

  // ---- writes: the caller has checked; objects must already be frozen -------------------

  put(obj: T): void {
    const previous = this.byId.get(obj.id);
    this.byId.set(obj.id, obj);
    if (previous?.name !== obj.name) {
      if (previous) this.idByName.delete(nameKey(previous.name));
      this.idByName.set(nameKey(obj.name), obj.id);
    }
    this.sorted = undefined;
    for (const index of this.indexes) {
      const before = previous && index.key(previous);
      const after = index.key(obj);
      if (before !== undefined && before !== after) unfile(index.buckets, before, obj.id);
      if (after !== undefined) file(index.buckets, after, obj);
    }
  }

  delete(id: string): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    this.idByName.delete(nameKey(previous.name));
    this.sorted = undefined;
    for (const index of this.indexes) {
      const before = index.key(previous);
      if (before !== undefined) unfile(index.buckets, before, id);
    }
  }

  /** An independent table holding the same (immutable) objects. */
  clone(): Table<T, I> {
    const copy = new Table<T, I>(this.kind, this.indexKeys);
    for (const obj of this.byId.values()) copy.put(obj);
    return copy;
  }
}

function file<T extends StoredObject>(buckets: Map<string, Bucket<T>>, key: string, obj: T): void {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = { members: new Map(), sorted: undefined };
    buckets.set(key, bucket);
  }
  bucket.members.set(obj.id, obj);
  bucket.sorted = undefined;
}

function unfile<T>(buckets: Map<string, Bucket<T>>, key: string, id: string): void {
  const bucket = buckets.get(key);
  if (!bucket) return;
  bucket.members.delete(id);
  bucket.sorted = undefined;
  if (bucket.members.size === 0) buckets.delete(key);
}

// Names are ASCII (NAME_RULE), so this lowercases identically on every manager.
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Sorted by name case-insensitively, then id; frozen. Plain code-unit comparison, not
 * localeCompare: order must not depend on the host's locale. Keys are computed once per object,
 * not per comparison (this sorts thousands of tasks).
 */
function sortedByName<T extends StoredObject>(objects: Iterable<T>): readonly T[] {
  const keyed = Array.from(objects, (o) => ({ key: nameKey(o.name), id: o.id, o }));
  keyed.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return Object.freeze(keyed.map((k) => k.o));
}
